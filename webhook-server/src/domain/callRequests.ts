import { requireCampaignOfAccount } from './campaigns';
import type { Call, CallCreate, CallStatus } from '../../../schemas/generated/types';
import type { CallRow } from '../db/schema';
import { getAccountRow } from './accounts';
import { CANCELABLE_STATUSES } from './callLifecycle';
import type { CallingPlatform } from './callingPlatform';
import { lockCall, markEnded } from './callProgress';
import type { Clock } from './clock';
import { inTransaction, type Db } from './db';
import { AppError, conflict, notFound } from './errors';
import { newId } from './ids';
import { getUsage } from './usage';

export function toCall(row: CallRow): Call {
  return {
    id: row.id,
    campaignId: row.campaign_id,
    phoneNumber: row.phone_number,
    customerName: row.customer_name,
    status: row.status as CallStatus,
    durationSeconds: row.duration_seconds,
    summary: row.summary,
    transcript: row.transcript,
    recordingUrl: row.recording_url,
    failureReason: row.failure_reason,
    parameters: JSON.parse(row.parameters) as Call['parameters'],
    createdAt: row.created_at,
    startedAt: row.started_at,
    completedAt: row.completed_at,
  };
}

/**
 * Queues an AI call (Start a Call) and hands it to the calling platform in the same transaction.
 * The campaign must be the account's, and some call time must be left: a call placed with none
 * would run unpaid.
 */
export async function startCall(
  db: Db,
  clock: Clock,
  platform: CallingPlatform,
  accountId: string,
  input: CallCreate,
  idempotencyKey?: string,
): Promise<Call> {
  return inTransaction(db, async (trx) => {
    const campaign = await requireCampaignOfAccount(trx, accountId, input.campaignId);
    const account = await getAccountRow(trx, accountId);
    const usage = await getUsage(trx, accountId, account.plan_id, clock);
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
      failure_reason: null,
      idempotency_key: idempotencyKey ?? null,
    };
    await trx.insertInto('calls').values(row).execute();
    await platform.callQueued(trx, row, usage.remainingSeconds);
    return toCall(row);
  });
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

export interface CallFilters {
  campaignId?: string;
  status?: CallStatus;
  /** ISO timestamp: only calls created after it. */
  createdAfter?: string;
}

/** Where the previous page ended: calls sort by creation time, then id, newest first. */
export interface CallPosition {
  createdAt: string;
  id: string;
}

/** One page of the account's calls, newest first. */
export async function listCalls(
  db: Db,
  accountId: string,
  filters: CallFilters,
  limit: number,
  after?: CallPosition,
): Promise<Call[]> {
  let query = db.selectFrom('calls').selectAll().where('account_id', '=', accountId);
  if (filters.campaignId !== undefined) query = query.where('campaign_id', '=', filters.campaignId);
  if (filters.status !== undefined) query = query.where('status', '=', filters.status);
  if (filters.createdAfter !== undefined) query = query.where('created_at', '>', filters.createdAfter);
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', after.createdAt),
        eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)]),
      ]),
    );
  }
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map(toCall);
}

/**
 * Cancels a call nobody has answered yet (queued or dispatched): it ends canceled, is never
 * debited, and call_completed tells subscribers. Canceling a canceled call changes nothing; any
 * other status is a 409 naming it.
 */
export async function cancelCall(
  db: Db,
  clock: Clock,
  platform: CallingPlatform,
  accountId: string,
  callId: string,
): Promise<Call> {
  return inTransaction(db, async (trx) => {
    const call = await lockCall(trx, callId);
    if (!call || call.account_id !== accountId) throw notFound(`No call ${callId} in this account.`);
    if (call.status === 'canceled') return toCall(call);
    if (!CANCELABLE_STATUSES.includes(call.status as CallStatus)) {
      throw conflict(`Call ${callId} is ${call.status}; only a queued or dispatched call can be canceled.`, [
        { field: 'status', message: `is ${call.status}` },
      ]);
    }
    const completedAt = clock.now().toISOString();
    await markEnded(trx, clock, call, { status: 'canceled', durationSeconds: 0, completedAt });
    await platform.callCanceled(trx, call);
    return getCall(trx, accountId, callId);
  });
}
