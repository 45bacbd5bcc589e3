import type { CallEventReport, CallStatus } from '../../../schemas/generated/types';
import { FINAL_STATUSES, isFinalStatus } from './callLifecycle';
import { markEnded, markStarted, recordOrLockCall } from './callProgress';
import type { Clock } from './clock';
import type { Db } from './db';
import { AppError, conflict } from './errors';
import { inGroupedTransaction } from './groupCommit';
import { findCampaignRow } from './campaigns';

export interface CallReportResult {
  callId: string;
  accountId: string;
  /** false when this report repeats one already applied (nothing changed, no event). */
  applied: boolean;
}

/**
 * Applies a call report from the calling platform. The account is the campaign's. A call
 * atlas-connect queued keeps its id; a call the platform placed itself is recorded under the
 * platform's id on its first report. call_started and call_completed are each applied once per
 * call: a retried report changes nothing, so a call's duration is debited exactly once, and a
 * report can never move a call back in its lifecycle (409).
 */
export async function reportCallEvent(
  db: Db,
  clock: Clock,
  report: CallEventReport,
): Promise<CallReportResult> {
  const endStatus = report.status ?? 'completed';
  if (report.type === 'call_completed' && !isFinalStatus(endStatus)) {
    throw new AppError(422, `A call_completed report must end the call: status ${endStatus} is not final.`, [
      { field: 'status', message: `must be one of: ${FINAL_STATUSES.join(', ')}` },
    ]);
  }
  // Concurrent reports share a commit on SQLite (see groupCommit.ts); each is applied or not alone.
  return inGroupedTransaction(db, async (trx) => {
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
    // Insert-or-lock: concurrent reports of one call queue up behind the first transaction and
    // each sees what the one before it applied.
    const call = await recordOrLockCall(trx, {
      id: report.callId,
      account_id: accountId,
      campaign_id: campaign.id,
      phone_number: report.phoneNumber,
      customer_name: report.customerName ?? null,
      status: 'dispatched',
      duration_seconds: null,
      summary: null,
      transcript: null,
      recording_url: null,
      parameters: '{}',
      started_at: null,
      completed_at: null,
      created_at: now,
      updated_at: now,
      failure_reason: null,
      idempotency_key: null,
    });
    if (call.account_id !== accountId || call.campaign_id !== campaign.id) {
      throw new AppError(
        409,
        `Call ${report.callId} was reported for another campaign; a call keeps its campaign.`,
        [{ field: 'callId', message: 'belongs to another campaign' }],
      );
    }
    const status = call.status as CallStatus;
    const result = (applied: boolean) => ({ callId: call.id, accountId, applied });

    if (report.type === 'call_started') {
      if (call.started_at) return result(false);
      await markStarted(trx, clock, call, {
        startedAt: report.occurredAt,
        customerName: report.customerName,
      });
      return result(true);
    }

    if (isFinalStatus(status)) {
      if (status === endStatus) return result(false);
      throw conflict(`Call ${call.id} already ended as ${status}; a report cannot change that.`, [
        { field: 'status', message: `is ${status}` },
      ]);
    }
    await markEnded(trx, clock, call, {
      status: endStatus,
      durationSeconds: report.durationSeconds ?? 0,
      completedAt: report.occurredAt,
      customerName: report.customerName,
      summary: report.summary,
      transcript: report.transcript,
      recordingUrl: report.recordingUrl,
      failureReason: report.failureReason,
    });
    return result(true);
  });
}
