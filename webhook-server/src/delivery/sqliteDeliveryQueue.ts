import type SQLite from 'better-sqlite3';
import type { Storage } from '../db/storage';
import type { Clock } from '../domain/clock';
import { inTransaction } from '../domain/db';
import { removeSubscription } from '../domain/hooks/subscriptions';
import { newId } from '../domain/ids';
import { settlePlatformAttempt } from './platformOutcome';
import {
  cancelDelivery,
  releaseClaims,
  type ClaimedDelivery,
  type DeliveryQueue,
  type FinishedAttempt,
} from './queue';
import { sqliteDeliveryPath, type SqliteDeliveryPath } from './sqliteQueue';

/**
 * The queue on SQLite: one worker per database (the worker lock), whose hot statements (the claim,
 * recording successes) are prepared once in sqliteDelivery.js and run in a thread of their own for
 * a database file; retries, dead deliveries, 410s and platform requests go through Kysely.
 */
export class SqliteDeliveryQueue implements DeliveryQueue {
  private readonly path: SqliteDeliveryPath;

  constructor(
    private readonly storage: Storage,
    sqlite: SQLite.Database,
    private readonly clock: Clock,
    private readonly workerId: string,
    /** Claim only while this worker holds the delivery worker lock. */
    requireLock: boolean,
  ) {
    this.path = sqliteDeliveryPath(storage.db, sqlite, storage.sqliteFile, workerId, requireLock);
  }

  /** Starts the delivery thread, if this database uses one. */
  open(): Promise<void> {
    return this.path.open();
  }

  close(): Promise<void> {
    return this.path.close();
  }

  claim(limit: number, leaseMs: number, skipHookUrls: string[]): Promise<ClaimedDelivery[]> {
    const now = this.clock.now();
    const lockedUntil = new Date(now.getTime() + leaseMs).toISOString();
    return this.path.claim(now.toISOString(), lockedUntil, limit, skipHookUrls);
  }

  release(ids: string[]): Promise<void> {
    return releaseClaims(this.storage.db, this.workerId, ids);
  }

  /**
   * SQLite runs one worker per database: once it holds the worker lock, claims left by a previous
   * holder (stopped, or dead past the stale threshold) are void.
   */
  async releaseStaleClaims(): Promise<void> {
    await this.storage.db
      .updateTable('deliveries')
      .set({ locked_until: null, locked_by: null })
      .where('status', '=', 'pending')
      .where('locked_until', 'is not', null)
      .execute();
  }

  cancel(id: string): Promise<void> {
    return cancelDelivery(this.storage.db, this.clock, id);
  }

  /**
   * Records finished attempts in one transaction. A delivery's state only changes while this
   * worker still holds its claim; the attempt itself is always recorded.
   */
  async finish(attempts: FinishedAttempt[]): Promise<void> {
    if (attempts.length === 0) return;
    const updatedAt = this.clock.now().toISOString();
    if (attempts.every((a) => a.outcome === 'delivered' && !a.callId)) {
      await this.path.recordDelivered(attempts, updatedAt);
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
