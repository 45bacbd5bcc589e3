import type { Delivery, DeliveryAttempt, TriggerName } from '../../../../schemas/generated/types';
import type { DeliveryStatus } from '../../db/schema';
import type { Clock } from '../clock';
import { inTransaction, type Db } from '../db';
import { conflict, notFound } from '../errors';
import { announceDeliveries } from './newWork';

export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'delivered', 'dead', 'cancelled'];

export interface DeliveryFilter {
  id?: string;
  subscriptionId?: string;
  status?: DeliveryStatus;
  triggerName?: TriggerName;
}

/** One page of deliveries, newest first, each with its attempts (oldest first). Null accountId: all accounts (operator CLI). */
export async function listDeliveries(
  db: Db,
  accountId: string | null,
  filter: DeliveryFilter,
  limit: number,
  beforeId?: string,
): Promise<Delivery[]> {
  let query = db
    .selectFrom('deliveries as d')
    .innerJoin('events as e', 'e.id', 'd.event_id')
    .selectAll('d')
    .select('e.trigger_name');
  // A tenant sees its hooks' deliveries; requests to the calling platform are the operator's.
  if (accountId !== null) query = query.where('d.account_id', '=', accountId).where('d.call_id', 'is', null);
  if (filter.id) query = query.where('d.id', '=', filter.id);
  if (filter.subscriptionId) query = query.where('d.subscription_id', '=', filter.subscriptionId);
  if (filter.status) query = query.where('d.status', '=', filter.status);
  if (filter.triggerName) query = query.where('e.trigger_name', '=', filter.triggerName);
  if (beforeId) query = query.where('d.id', '<', beforeId);
  // The page and its attempts in one statement, so both come from one snapshot: read apart, an
  // attempt recorded between the two reads showed beside the delivery's state from before it.
  const rows = await db
    .selectFrom(query.orderBy('d.id', 'desc').limit(limit).as('p'))
    .leftJoin('delivery_attempts as a', 'a.delivery_id', 'p.id')
    .selectAll('p')
    .select([
      'a.id as attempt_id',
      'a.started_at as attempt_started_at',
      'a.duration_ms as attempt_duration_ms',
      'a.status_code as attempt_status_code',
      'a.error as attempt_error',
      'a.outcome as attempt_outcome',
    ])
    .orderBy('p.id', 'desc')
    .orderBy('a.id', 'asc')
    .execute();
  const byDelivery = new Map<string, { row: (typeof rows)[number]; attempts: DeliveryAttempt[] }>();
  for (const row of rows) {
    let entry = byDelivery.get(row.id);
    if (!entry) byDelivery.set(row.id, (entry = { row, attempts: [] }));
    if (row.attempt_id !== null)
      entry.attempts.push({
        id: row.attempt_id,
        startedAt: row.attempt_started_at!,
        durationMs: row.attempt_duration_ms!,
        statusCode: row.attempt_status_code,
        error: row.attempt_error,
        outcome: row.attempt_outcome!,
      });
  }
  return [...byDelivery.values()].map(({ row, attempts }) => ({
    id: row.id,
    subscriptionId: row.subscription_id,
    eventId: row.event_id,
    triggerName: row.trigger_name as TriggerName,
    hookUrl: row.hook_url,
    status: row.status,
    attemptCount: row.attempt_count,
    nextAttemptAt: row.next_attempt_at,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
    attempts,
  }));
}

async function getDelivery(db: Db, accountId: string | null, deliveryId: string): Promise<Delivery> {
  const [delivery] = await listDeliveries(db, accountId, { id: deliveryId }, 1);
  if (!delivery) throw notFound(`No delivery ${deliveryId}${accountId === null ? '' : ' in this account'}.`);
  return delivery;
}

/**
 * Queues a dead (or delivered) delivery again with a fresh retry schedule. A pending one is
 * already queued; a cancelled one lost its subscription, so there is nowhere to send it.
 */
export async function replayDelivery(
  db: Db,
  clock: Clock,
  accountId: string | null,
  deliveryId: string,
): Promise<Delivery> {
  return inTransaction(db, async (trx) => {
    const delivery = await getDelivery(trx, accountId, deliveryId);
    if (delivery.status === 'pending')
      throw conflict(`Delivery ${deliveryId} is already queued; wait for it.`);
    if (delivery.status === 'cancelled') {
      throw conflict(
        `Delivery ${deliveryId} cannot be replayed: its subscription was removed. Subscribe again to receive new events.`,
      );
    }
    const now = clock.now().toISOString();
    await trx
      .updateTable('deliveries')
      .set({
        status: 'pending',
        attempt_count: 0,
        next_attempt_at: now,
        locked_until: null,
        locked_by: null,
        updated_at: now,
      })
      .where('id', '=', deliveryId)
      .execute();
    announceDeliveries(trx);
    return getDelivery(trx, accountId, deliveryId);
  });
}
