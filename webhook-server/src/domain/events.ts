import type { EventEnvelope, TriggerName } from '../../../schemas/generated/types';
import type { Clock } from './clock';
import { compiledOnce } from './compiledOnce';
import { inTransaction, type Db } from './db';
import { fanOut } from './hooks/fanout';
import { announceDeliveries } from './hooks/newWork';
import { writeEventWithDeliveries } from './hooks/pgEventWithDeliveries';
import { newId } from './ids';

export interface NewEvent {
  accountId: string;
  campaignId: string | null;
  triggerName: TriggerName;
  data: object;
  /** Deliver only to these subscriptions (minutes_low: the ones that crossed their threshold). */
  onlySubscriptionIds?: string[];
  /** A test event: sample data marked `test: true`, kept out of the trigger samples. */
  test?: boolean;
}

// Every event is written by it: compiled once.
const insertEvent = compiledOnce(
  (
    db,
    id: string,
    accountId: string,
    campaignId: string | null,
    triggerName: string,
    payload: string,
    createdAt: string,
    test: number,
  ) =>
    db.insertInto('events').values({
      id,
      account_id: accountId,
      campaign_id: campaignId,
      trigger_name: triggerName,
      payload,
      created_at: createdAt,
      test,
    }),
);

/**
 * Writes an event to the outbox. Call it inside the transaction of the state change that caused
 * it: the event exists exactly when the change does, and delivery reads it from the table, never
 * from process memory. One delivery per matching subscription is queued with it, atomically: in
 * one statement on PostgreSQL for an audience of up to four (pgEventWithDeliveries.ts), otherwise
 * in one transaction (the caller's, when it has one).
 */
export async function recordEvent(db: Db, clock: Clock, event: NewEvent): Promise<EventEnvelope> {
  const envelope: EventEnvelope = {
    id: newId('evt'),
    triggerName: event.triggerName,
    createdAt: clock.now().toISOString(),
    accountId: event.accountId,
    campaignId: event.campaignId,
    ...(event.test ? { test: true as const } : {}),
    data: event.data as EventEnvelope['data'],
  };
  const payload = JSON.stringify(envelope);
  // PostgreSQL: one statement, when the audience is the usual handful (pgEventWithDeliveries.ts).
  if (!event.onlySubscriptionIds) {
    const queued = await writeEventWithDeliveries(db, envelope, payload, event.test === true);
    if (queued !== undefined) {
      if (queued > 0) announceDeliveries(db);
      return envelope;
    }
  }
  await inTransaction(db, async (trx) => {
    await insertEvent(
      trx,
      envelope.id,
      envelope.accountId,
      envelope.campaignId,
      envelope.triggerName,
      payload,
      envelope.createdAt,
      event.test ? 1 : 0,
    );
    await fanOut(trx, envelope, event.onlySubscriptionIds);
  });
  return envelope;
}

/** The account's latest real (not test) events of one kind, newest first. */
export async function latestEvents(
  db: Db,
  accountId: string,
  triggerName: TriggerName,
  limit: number,
): Promise<EventEnvelope[]> {
  const rows = await db
    .selectFrom('events')
    .select('payload')
    .where('account_id', '=', accountId)
    .where('trigger_name', '=', triggerName)
    .where('test', '=', 0)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => JSON.parse(row.payload) as EventEnvelope);
}
