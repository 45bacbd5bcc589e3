import type { CallStatus } from '../../../schemas/generated/types';
import type { CallRow } from '../db/schema';
import { assertCanMove } from './callLifecycle';
import type { Clock } from './clock';
import { compiledOnce, rowOf, type Bound } from './compiledOnce';
import type { Db } from './db';
import { recordEvent } from './events';
import { applyLedgerEntry } from './usage';

/*
 * The steps of a call's life, each written with its event in the caller's transaction. Platform
 * reports, the sandbox dialer, the dispatcher and cancel all move calls through these, so every
 * path obeys the same lifecycle and emits the same events.
 */

/** The calling platform accepted the call. Once it has moved further, nothing changes. */
export async function markDispatched(db: Db, clock: Clock, call: CallRow): Promise<boolean> {
  if (call.status !== 'queued') return false;
  const updated = await db
    .updateTable('calls')
    .set({ status: 'dispatched', updated_at: clock.now().toISOString() })
    .where('id', '=', call.id)
    .where('status', '=', 'queued')
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) > 0;
}

/** The call connected: in_progress, and call_started for subscribers. */
export async function markStarted(
  db: Db,
  clock: Clock,
  call: CallRow,
  started: { startedAt: string; customerName?: string | null },
): Promise<void> {
  const customerName = started.customerName ?? call.customer_name;
  // A start reported after the call's end (reports may arrive out of order) is recorded without
  // moving the call back.
  const reportedLate = call.status === 'completed' && call.started_at === null;
  if (!reportedLate) assertCanMove(call.id, call.status as CallStatus, 'in_progress');
  await db
    .updateTable('calls')
    .set({
      started_at: started.startedAt,
      customer_name: customerName,
      updated_at: clock.now().toISOString(),
      ...(reportedLate ? {} : { status: 'in_progress' }),
    })
    .where('id', '=', call.id)
    .execute();
  await recordEvent(db, clock, {
    accountId: call.account_id,
    campaignId: call.campaign_id,
    triggerName: 'call_started',
    data: {
      callId: call.id,
      campaignId: call.campaign_id,
      phoneNumber: call.phone_number,
      customerName,
      startedAt: started.startedAt,
    },
  });
}

export interface CallEnding {
  status: CallStatus;
  durationSeconds: number;
  completedAt: string;
  customerName?: string | null;
  summary?: string | null;
  transcript?: string | null;
  recordingUrl?: string | null;
  failureReason?: string | null;
}

// Every call's end runs it (each platform report of one): compiled once.
const endCall = compiledOnce(
  (
    db,
    status: string,
    durationSeconds: number,
    customerName: string | null,
    summary: string | null,
    transcript: string | null,
    recordingUrl: string | null,
    failureReason: string | null,
    completedAt: string,
    updatedAt: string,
    callId: string,
  ) =>
    db
      .updateTable('calls')
      .set({
        status,
        duration_seconds: durationSeconds,
        customer_name: customerName,
        summary,
        transcript,
        recording_url: recordingUrl,
        failure_reason: failureReason,
        completed_at: completedAt,
        updated_at: updatedAt,
      })
      .where('id', '=', callId),
);

/**
 * The call ended: its duration is debited from the minute ledger (once per call: the ledger's
 * reference is the call id) and call_completed carries the outcome, whatever it was.
 */
export async function markEnded(db: Db, clock: Clock, call: CallRow, ending: CallEnding): Promise<void> {
  assertCanMove(call.id, call.status as CallStatus, ending.status);
  const customerName = ending.customerName ?? call.customer_name;
  await endCall(
    db,
    ending.status,
    ending.durationSeconds,
    customerName,
    ending.summary ?? null,
    ending.transcript ?? null,
    ending.recordingUrl ?? null,
    ending.failureReason ?? null,
    ending.completedAt,
    clock.now().toISOString(),
    call.id,
  );
  await recordEvent(db, clock, {
    accountId: call.account_id,
    campaignId: call.campaign_id,
    triggerName: 'call_completed',
    data: {
      callId: call.id,
      campaignId: call.campaign_id,
      phoneNumber: call.phone_number,
      customerName,
      status: ending.status,
      durationSeconds: ending.durationSeconds,
      summary: ending.summary ?? null,
      transcript: ending.transcript ?? null,
      recordingUrl: ending.recordingUrl ?? null,
      completedAt: ending.completedAt,
    },
  });
  // Last: the debit locks the account's usage row until the commit, and every call of the account
  // ends through it, so the less this transaction does after it, the more calls end per second.
  if (ending.durationSeconds > 0) {
    await applyLedgerEntry(db, clock, {
      accountId: call.account_id,
      kind: 'call',
      seconds: ending.durationSeconds,
      reference: call.id,
    });
  }
}

/** The call's row, locked for the rest of the transaction on PostgreSQL (SQLite has one writer). */
export async function lockCall(db: Db, callId: string): Promise<CallRow | undefined> {
  // A no-op update takes PostgreSQL's row lock portably, and RETURNING reads the row it locked
  // (the latest commit) in the same statement.
  return db
    .updateTable('calls')
    .set((eb) => ({ updated_at: eb.ref('updated_at') }))
    .where('id', '=', callId)
    .returningAll()
    .executeTakeFirst();
}

const CALL_COLUMNS = [
  'id',
  'account_id',
  'campaign_id',
  'phone_number',
  'customer_name',
  'status',
  'duration_seconds',
  'summary',
  'transcript',
  'recording_url',
  'parameters',
  'started_at',
  'completed_at',
  'created_at',
  'updated_at',
  'failure_reason',
  'idempotency_key',
] as const satisfies readonly (keyof CallRow)[];
// A column added to calls must be added above, or this line fails to compile.
const everyCallColumn: Exclude<keyof CallRow, (typeof CALL_COLUMNS)[number]> extends never ? true : never =
  true;
void everyCallColumn;

// Every platform report runs it: compiled once.
const insertOrLockCall = compiledOnce((db, ...values: Bound[]) =>
  db
    .insertInto('calls')
    .values(rowOf(CALL_COLUMNS, values) as unknown as CallRow)
    .onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({ updated_at: eb.ref('calls.updated_at') })))
    .returningAll(),
);

/**
 * Records a call unless its id exists, and returns the row locked as lockCall does, in one
 * statement: the insert, or on conflict a no-op update of the existing row.
 */
export async function recordOrLockCall(db: Db, row: CallRow): Promise<CallRow> {
  const [call] = (await insertOrLockCall(db, ...CALL_COLUMNS.map((column) => row[column]))).rows;
  if (!call) throw new Error(`Call ${row.id} was neither recorded nor found`);
  return call;
}
