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
  if (beforeId) query = query.where('d.id', '<', beforeId);
  const rows = await query.orderBy('d.id', 'desc').limit(limit).execute();
  if (rows.length === 0) return [];
  const attempts = await db
    .selectFrom('delivery_attempts')
    .selectAll()
    .where(
      'delivery_id',
      'in',
      rows.map((row) => row.id),
    )
    .orderBy('id', 'asc')
    .execute();
  const byDelivery = new Map<string, DeliveryAttempt[]>();
  for (const attempt of attempts) {
    const list = byDelivery.get(attempt.delivery_id) ?? [];
    list.push({
      id: attempt.id,
      startedAt: attempt.started_at,
      durationMs: attempt.duration_ms,
      statusCode: attempt.status_code,
      error: attempt.error,
      outcome: attempt.outcome,
    });
    byDelivery.set(attempt.delivery_id, list);
  }
  return rows.map((row) => ({
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
    attempts: byDelivery.get(row.id) ?? [],
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
    await announceDeliveries(trx);
    return getDelivery(trx, accountId, deliveryId);
  });
}
