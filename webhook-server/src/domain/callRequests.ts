import { requireCampaignOfAccount } from './campaigns';
import type { Call, CallCreate } from '../../../schemas/generated/types';
import type { CallRow } from '../db/schema';
import { getAccountRow } from './accounts';
import type { Clock } from './clock';
import type { Db } from './db';
import { AppError, notFound } from './errors';
import { newId } from './ids';
import { getUsage } from './usage';

export function toCall(row: CallRow): Call {
  return {
    id: row.id,
    campaignId: row.campaign_id,
    phoneNumber: row.phone_number,
    customerName: row.customer_name,
    status: row.status as Call['status'],
    durationSeconds: row.duration_seconds,
    parameters: JSON.parse(row.parameters) as Call['parameters'],
    createdAt: row.created_at,
  };
}

/**
 * Queues an AI call (Start a Call). The campaign must be the account's, and some call time must
 * be left: a call placed with none would run unpaid. The calling platform picks queued calls up
 * and reports their progress through /v1/internal/call-events.
 */
export async function startCall(db: Db, clock: Clock, accountId: string, input: CallCreate): Promise<Call> {
  const campaign = await requireCampaignOfAccount(db, accountId, input.campaignId);
  const account = await getAccountRow(db, accountId);
  const usage = await getUsage(db, accountId, account.plan_id, clock);
  if (usage.remainingSeconds <= 0) {
    throw new AppError(
      402,
      `No call time is left in this billing period (ends ${usage.periodEnd}). Buy extra minutes (POST /v1/api/billing/extra-minutes) or upgrade the plan (POST /v1/api/billing/checkout).`,
    );
  }
  const now = clock.now().toISOString();
  const row: CallRow = {
    id: newId('call'),
    account_id: accountId,
    campaign_id: campaign.id,
    phone_number: input.phoneNumber,
    customer_name: input.customerName ?? null,
    status: 'queued',
    duration_seconds: null,
    summary: null,
    transcript: null,
    recording_url: null,
    parameters: JSON.stringify(input.parameters ?? {}),
    started_at: null,
    completed_at: null,
    created_at: now,
    updated_at: now,
  };
  await db.insertInto('calls').values(row).execute();
  return toCall(row);
}

/** A call of this account; another account's call is reported as not found. */
export async function getCall(db: Db, accountId: string, callId: string): Promise<Call> {
  const row = await db
    .selectFrom('calls')
    .selectAll()
    .where('id', '=', callId)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  if (!row) throw notFound(`No call ${callId} in this account.`);
  return toCall(row);
}
