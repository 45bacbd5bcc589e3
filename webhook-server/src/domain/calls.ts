import type { CallEventReport } from '../../../schemas/generated/types';
import type { Clock } from './clock';
import type { Db } from './db';
import { inTransaction } from './db';
import { AppError } from './errors';
import { recordEvent } from './events';
import { findCampaignRow } from './campaigns';
import { applyLedgerEntry } from './usage';

export interface CallReportResult {
  callId: string;
  accountId: string;
  /** false when this report repeats one already applied (nothing changed, no event). */
  applied: boolean;
}

/**
 * Applies a call report from the calling platform. The account is the campaign's. call_started and
 * call_completed are each applied once per callId: a retried report changes nothing, so a completed
 * call's duration is debited from the minute ledger exactly once.
 */
export async function reportCallEvent(
  db: Db,
  clock: Clock,
  report: CallEventReport,
): Promise<CallReportResult> {
  return inTransaction(db, async (trx) => {
    const campaign = await findCampaignRow(trx, report.campaignId);
    if (!campaign) {
      throw new AppError(
        422,
        `No campaign ${report.campaignId}. Report calls with the id of an existing campaign.`,
        [{ field: 'campaignId', message: 'does not exist' }],
      );
    }
    const accountId = campaign.account_id;
    const now = clock.now().toISOString();
    // Insert-or-ignore, then lock the row: concurrent reports of one call queue up behind the
    // first transaction (PostgreSQL row lock; SQLite runs one transaction at a time) and each
    // sees what the one before it applied.
    await trx
      .insertInto('calls')
      .values({
        id: report.callId,
        account_id: accountId,
        campaign_id: campaign.id,
        phone_number: report.phoneNumber,
        customer_name: report.customerName ?? null,
        status: 'in_progress',
        duration_seconds: null,
        summary: null,
        transcript: null,
        recording_url: null,
        parameters: '{}',
        started_at: null,
        completed_at: null,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    await trx
      .updateTable('calls')
      .set((eb) => ({ updated_at: eb.ref('updated_at') }))
      .where('id', '=', report.callId)
      .execute();
    const existing = await trx
      .selectFrom('calls')
      .selectAll()
      .where('id', '=', report.callId)
      .executeTakeFirstOrThrow();
    if (existing.account_id !== accountId || existing.campaign_id !== campaign.id) {
      throw new AppError(
        409,
        `Call ${report.callId} was reported for another campaign; a call keeps its campaign.`,
        [{ field: 'callId', message: 'belongs to another campaign' }],
      );
    }
    const customerName = report.customerName ?? existing.customer_name;

    if (report.type === 'call_started') {
      if (existing.started_at) return { callId: report.callId, accountId, applied: false };
      await trx
        .updateTable('calls')
        .set({
          started_at: report.occurredAt,
          customer_name: customerName,
          updated_at: now,
          ...(existing.completed_at ? {} : { status: 'in_progress' }),
        })
        .where('id', '=', report.callId)
        .execute();
      await recordEvent(trx, clock, {
        accountId,
        campaignId: campaign.id,
        triggerName: 'call_started',
        data: {
          callId: report.callId,
          campaignId: campaign.id,
          phoneNumber: report.phoneNumber,
          customerName,
          startedAt: report.occurredAt,
        },
      });
      return { callId: report.callId, accountId, applied: true };
    }

    if (existing.completed_at) return { callId: report.callId, accountId, applied: false };
    const durationSeconds = report.durationSeconds ?? 0;
    const status = report.status ?? 'completed';
    await applyLedgerEntry(trx, clock, {
      accountId,
      kind: 'call',
      seconds: durationSeconds,
      reference: report.callId,
    });
    await trx
      .updateTable('calls')
      .set({
        status,
        duration_seconds: durationSeconds,
        customer_name: customerName,
        summary: report.summary ?? null,
        transcript: report.transcript ?? null,
        recording_url: report.recordingUrl ?? null,
        completed_at: report.occurredAt,
        updated_at: now,
      })
      .where('id', '=', report.callId)
      .execute();
    await recordEvent(trx, clock, {
      accountId,
      campaignId: campaign.id,
      triggerName: 'call_completed',
      data: {
        callId: report.callId,
        campaignId: campaign.id,
        phoneNumber: report.phoneNumber,
        customerName,
        status,
        durationSeconds,
        summary: report.summary ?? null,
        transcript: report.transcript ?? null,
        recordingUrl: report.recordingUrl ?? null,
        completedAt: report.occurredAt,
      },
    });
    return { callId: report.callId, accountId, applied: true };
  });
}
