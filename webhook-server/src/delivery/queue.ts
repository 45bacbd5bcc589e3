import { sql } from 'kysely';
import type { Storage } from '../db/storage';
import type { Clock } from '../domain/clock';
import { inTransaction, type Db } from '../domain/db';
import { removeSubscription } from '../domain/hooks/subscriptions';
import { newId } from '../domain/ids';
import type { AttemptOutcome } from './retryPolicy';
import { settlePlatformAttempt } from './platformOutcome';
import type { Presigned } from './sender';
import { sqliteDeliveryPath, toClaimed, type SqliteDeliveryPath } from './sqliteQueue';

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
 * any worker takes them again. PostgreSQL claims with FOR UPDATE SKIP LOCKED so concurrent
 * workers never claim the same row.
 */
export class DeliveryQueue {
  /** SQLite's hot statements, prepared once; PostgreSQL goes through Kysely. */
  private readonly sqlite: SqliteDeliveryPath | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly workerId: string,
    /** SQLite: claim only while this worker holds the delivery worker lock. */
    options: { requireLock?: boolean } = {},
  ) {
    this.sqlite =
      storage.sqlite &&
      sqliteDeliveryPath(
        storage.db,
        storage.sqlite,
        storage.sqliteFile,
        workerId,
        options.requireLock ?? false,
      );
  }

  /** Starts the SQLite delivery thread, if this database uses one. */
  open(): Promise<void> {
    return this.sqlite?.open() ?? Promise.resolve();
  }

  /** Stops the SQLite delivery thread, if one was started. */
  close(): Promise<void> {
    return this.sqlite?.close() ?? Promise.resolve();
  }

  async claim(limit: number, leaseMs: number, skipHookUrls: string[]): Promise<ClaimedDelivery[]> {
    const { db } = this.storage;
    const now = this.clock.now();
    const nowText = now.toISOString();
    const lockedUntil = new Date(now.getTime() + leaseMs).toISOString();
    if (this.sqlite) return this.sqlite.claim(nowText, lockedUntil, limit, skipHookUrls);
    let due = db
      .selectFrom('deliveries')
      .select('id')
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', nowText)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', nowText)]));
    if (skipHookUrls.length) due = due.where('hook_url', 'not in', skipHookUrls);
    due = due.orderBy('next_attempt_at').limit(limit);
    if (this.storage.engine === 'postgres') due = due.forUpdate().skipLocked();
    const claimed = await db
      .updateTable('deliveries')
      .set({ locked_until: lockedUntil, locked_by: this.workerId })
      .where('id', 'in', due)
      .returning('id')
      .execute();
    if (claimed.length === 0) return [];
    const rows = await db
      .selectFrom('deliveries as d')
      .innerJoin('events as e', 'e.id', 'd.event_id')
      .leftJoin('subscriptions as s', 's.id', 'd.subscription_id')
      .select([
        'd.id',
        'd.subscription_id',
        'd.event_id',
        'd.hook_url',
        'd.attempt_count',
        'd.next_attempt_at',
        'e.payload',
        's.secret',
        's.provider',
        'd.call_id',
      ])
      .where(
        'd.id',
        'in',
        claimed.map((row) => row.id),
      )
      .orderBy('d.next_attempt_at')
      .execute();
    return rows.map(toClaimed);
  }

  /** Gives claims back untouched (more than a hook URL may take at once). */
  async release(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.storage.db
      .updateTable('deliveries')
      .set({ locked_until: null, locked_by: null })
      .where('id', 'in', ids)
      .where('locked_by', '=', this.workerId)
      .execute();
  }

  /**
   * SQLite runs one worker per database: once it holds the worker lock, claims left by a previous
   * holder (stopped, or dead past the stale threshold) are void.
   */
  async releaseStaleClaims(): Promise<void> {
    if (this.storage.engine !== 'sqlite') return;
    await this.storage.db
      .updateTable('deliveries')
      .set({ locked_until: null, locked_by: null })
      .where('status', '=', 'pending')
      .where('locked_until', 'is not', null)
      .execute();
  }

  async cancel(id: string): Promise<void> {
    await this.storage.db
      .updateTable('deliveries')
      .set({
        status: 'cancelled',
        next_attempt_at: null,
        locked_until: null,
        locked_by: null,
        updated_at: this.clock.now().toISOString(),
      })
      .where('id', '=', id)
      .execute();
  }

  /**
   * Records finished attempts in one transaction. A delivery's state only changes while this
   * worker still holds its claim; the attempt itself is always recorded.
   */
  async finish(attempts: FinishedAttempt[]): Promise<void> {
    if (attempts.length === 0) return;
    const updatedAt = this.clock.now().toISOString();
    if (this.sqlite && attempts.every((a) => a.outcome === 'delivered' && !a.callId)) {
      await this.sqlite.recordDelivered(attempts, updatedAt);
      return;
    }
    await inTransaction(this.storage.db, async (trx) => {
      // Calls first, then deliveries: the order cancel takes its locks in, so the two never deadlock.
      for (const a of attempts) if (a.callId) await settlePlatformAttempt(trx, this.clock, a.callId, a);
      await trx
        .insertInto('delivery_attempts')
        .values(
          attempts.map((a) => ({
            id: newId('att'),
            delivery_id: a.deliveryId,
            started_at: a.startedAt,
            duration_ms: a.durationMs,
            status_code: a.statusCode ?? null,
            error: a.error ?? null,
            outcome: a.outcome,
          })),
        )
        .execute();
      // Successes, the common case, are written with one statement per status code.
      const delivered = new Map<number, string[]>();
      for (const a of attempts) {
        if (a.outcome === 'delivered' && a.statusCode !== undefined) {
          delivered.set(a.statusCode, [...(delivered.get(a.statusCode) ?? []), a.deliveryId]);
          continue;
        }
        await trx
          .updateTable('deliveries')
          .set({
            status: a.outcome === 'retry' ? 'pending' : a.outcome === 'gone' ? 'cancelled' : 'dead',
            attempt_count: a.attemptNumber,
            next_attempt_at: a.nextAttemptAt ?? null,
            locked_until: null,
            locked_by: null,
            last_status_code: a.statusCode ?? null,
            last_error: a.error ?? null,
            updated_at: updatedAt,
          })
          .where('id', '=', a.deliveryId)
          .where('locked_by', '=', this.workerId)
          .execute();
        if (a.outcome === 'gone' && !a.callId) await removeSubscription(trx, this.clock, a.subscriptionId);
      }
      for (const [statusCode, ids] of delivered) {
        await trx
          .updateTable('deliveries')
          .set((eb) => ({
            status: 'delivered',
            attempt_count: eb('attempt_count', '+', 1),
            next_attempt_at: null,
            locked_until: null,
            locked_by: null,
            last_status_code: statusCode,
            last_error: null,
            updated_at: updatedAt,
            delivered_at: updatedAt,
          }))
          .where('id', 'in', ids)
          .where('locked_by', '=', this.workerId)
          .execute();
      }
    });
  }
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
