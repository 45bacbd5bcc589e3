import { sql } from 'kysely';
import type { Clock } from '../domain/clock';
import type { Db } from '../domain/db';
import type { AttemptOutcome } from './retryPolicy';
import type { Presigned } from './sender';

/** A delivery a worker has claimed, with what it needs to send it. */
export interface ClaimedDelivery {
  id: string;
  subscriptionId: string;
  eventId: string;
  hookUrl: string;
  attemptCount: number;
  /** Event envelope JSON as stored. */
  payload: string;
  /** undefined when the subscription was removed after the delivery was queued. */
  secret: string | undefined;
  /** The subscription's provider: selects the body shape and auth headers (delivery/providers.ts). */
  provider: string;
  /** Signed when claimed (SQLite's delivery thread does), for the body deliveryBody(payload). */
  signed?: Presigned;
  /** Set when this delivery goes to the calling platform about that call (see target.ts). */
  callId?: string;
}

/**
 * What a claim asks for, by name: `now` and `lockedUntil` are both ISO timestamps, so a positional
 * pair would still compile when swapped.
 */
export interface ClaimRequest {
  /** Deliveries due at this time (next_attempt_at <= now) and not under a live claim. */
  now: string;
  /** The claim's lease: another worker may take the delivery after this. */
  lockedUntil: string;
  limit: number;
  /** Hook URLs holding as many deliveries as they may (in flight or ready): none of theirs. */
  skipHookUrls: string[];
}

/** A due delivery as either engine's claim statement reads it. */
export interface ClaimedRow {
  id: string;
  subscription_id: string;
  event_id: string;
  hook_url: string;
  attempt_count: number;
  payload: string;
  secret: string | null;
  /** The subscription's provider (null when it was removed): picks the delivery's body and headers. */
  provider: string | null;
  /** Set when the delivery dispatches (or cancels) this call at the calling platform. */
  call_id: string | null;
  /** Signed when claimed (SQLite's delivery thread): the webhook-timestamp and webhook-signature to send. */
  webhook_timestamp?: string;
  webhook_signature?: string;
}

export interface FinishedAttempt {
  deliveryId: string;
  subscriptionId: string;
  attemptNumber: number;
  startedAt: string;
  durationMs: number;
  statusCode: number | undefined;
  error: string | undefined;
  outcome: AttemptOutcome;
  nextAttemptAt: string | undefined;
  /** The call a platform request was about: its outcome moves the call (platformOutcome.ts). */
  callId?: string;
}

/**
 * The durable queue: due deliveries are rows with status pending and next_attempt_at <= now.
 * A claim sets a lease (locked_until); a worker that dies leaves its claims to expire, after which
 * any worker takes them again. One implementation per engine (pgQueue.ts, sqliteDeliveryQueue.ts),
 * chosen by openDeliveryQueue (openQueue.ts).
 */
export interface DeliveryQueue {
  /** Ready to claim (SQLite: its delivery thread is up). */
  open(): Promise<void>;
  close(): Promise<void>;
  /** Claims up to `limit` due deliveries until `lockedUntil`, none of whose hook URL is in skipHookUrls. */
  claim(request: ClaimRequest): Promise<ClaimedDelivery[]>;
  /** Gives claims back untouched (more than a hook URL may take at once). */
  release(ids: string[]): Promise<void>;
  /** SQLite, on taking the worker lock: the previous holder's claims are void. */
  releaseStaleClaims(): Promise<void>;
  cancel(id: string): Promise<void>;
  /**
   * Records finished attempts together. A delivery's state only changes while this worker still
   * holds its claim; the attempt itself is always recorded.
   */
  finish(attempts: FinishedAttempt[]): Promise<void>;
}

/** A claimed row (either engine's claim statement) as the worker uses it. */
export function toClaimed(row: ClaimedRow): ClaimedDelivery {
  return {
    id: row.id,
    subscriptionId: row.subscription_id,
    eventId: row.event_id,
    hookUrl: row.hook_url,
    attemptCount: row.attempt_count,
    payload: row.payload,
    secret: row.secret ?? undefined,
    provider: row.provider ?? 'custom',
    ...(row.call_id ? { callId: row.call_id } : {}),
    ...(row.webhook_signature && row.webhook_timestamp
      ? { signed: { timestamp: row.webhook_timestamp, signature: row.webhook_signature } }
      : {}),
  };
}

/** Gives claims back untouched, on either engine. */
export async function releaseClaims(db: Db, workerId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('deliveries')
    .set({ locked_until: null, locked_by: null })
    .where('id', 'in', ids)
    .where('locked_by', '=', workerId)
    .execute();
}

/** A delivery with nothing left to send (its target is gone), on either engine. */
export async function cancelDelivery(db: Db, clock: Clock, id: string): Promise<void> {
  await db
    .updateTable('deliveries')
    .set({
      status: 'cancelled',
      next_attempt_at: null,
      locked_until: null,
      locked_by: null,
      updated_at: clock.now().toISOString(),
    })
    .where('id', '=', id)
    .execute();
}

/** Deliveries due now and not yet sent (the backlog gauge). */
export async function countDueDeliveries(db: Db, clock: Clock): Promise<number> {
  const row = await db
    .selectFrom('deliveries')
    .select(sql<number>`count(*)`.as('n'))
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', clock.now().toISOString())
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
