import type SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { newId } from '../domain/ids';
import type { ClaimedDelivery, FinishedAttempt } from './queue';
import { WorkerLockLostError } from './workerLock';

interface ClaimedRow {
  id: string;
  subscription_id: string;
  event_id: string;
  hook_url: string;
  attempt_count: number;
  payload: string;
  secret: string | null;
}

/**
 * The delivery worker's hot path on SQLite as statements prepared once: building and preparing
 * them through Kysely per round cost more CPU than the HTTP work (see BENCHMARKS.md). Each call
 * holds Kysely's connection lock and runs in one better-sqlite3 transaction, synchronously, so it
 * is atomic and never mixes with a transaction another caller has open on the same connection.
 */
export class SqliteDeliveryStatements {
  private readonly selectDue: SQLite.Statement;
  private readonly lock: SQLite.Statement;
  private readonly insertAttempt: SQLite.Statement;
  private readonly markDelivered: SQLite.Statement;
  private readonly lockOwner: SQLite.Statement | undefined;
  private readonly claimTransaction: (
    lockedUntil: string,
    now: string,
    skipHookUrls: string,
    limit: number,
  ) => ClaimedRow[];
  private readonly deliveredTransaction: (attempts: FinishedAttempt[], updatedAt: string) => void;

  constructor(
    private readonly db: Kysely<Database>,
    sqlite: SQLite.Database,
    private readonly workerId: string,
    requireLock: boolean,
  ) {
    // A select and an update by primary key per row take half the time of one
    // UPDATE … WHERE id IN (…) RETURNING; the transaction makes the pair atomic. The skip list is a
    // JSON array so one prepared statement serves any length.
    this.selectDue = sqlite.prepare(`
      select d.id, d.subscription_id, d.event_id, d.hook_url, d.attempt_count, e.payload, s.secret
      from deliveries d
      join events e on e.id = d.event_id
      left join subscriptions s on s.id = d.subscription_id
      where d.status = 'pending' and d.next_attempt_at <= @now
        and (d.locked_until is null or d.locked_until < @now)
        and d.hook_url not in (select value from json_each(@skipHookUrls))
      order by d.next_attempt_at
      limit @limit`);
    this.lock = sqlite.prepare('update deliveries set locked_until = ?, locked_by = ? where id = ?');
    this.insertAttempt = sqlite.prepare(`
      insert into delivery_attempts (id, delivery_id, started_at, duration_ms, status_code, error, outcome)
      values (?, ?, ?, ?, ?, ?, ?)`);
    this.markDelivered = sqlite.prepare(`
      update deliveries set status = 'delivered', attempt_count = attempt_count + 1,
        next_attempt_at = null, locked_until = null, locked_by = null, last_status_code = ?,
        last_error = null, updated_at = ?, delivered_at = ?
      where id = ? and locked_by = ?`);
    // Checked in the claim's own transaction: once another worker has taken the lock over (and
    // released this one's claims), this worker cannot claim again, whatever its heartbeat believes.
    this.lockOwner = requireLock
      ? sqlite.prepare('select owner from delivery_worker_lock where id = 1').pluck()
      : undefined;
    this.claimTransaction = sqlite.transaction(
      (lockedUntil: string, now: string, skipHookUrls: string, limit: number) => {
        if (this.lockOwner && this.lockOwner.get() !== workerId) throw new WorkerLockLostError();
        const rows = this.selectDue.all({ now, skipHookUrls, limit }) as ClaimedRow[];
        for (const row of rows) this.lock.run(lockedUntil, workerId, row.id);
        return rows;
      },
    );
    this.deliveredTransaction = sqlite.transaction((attempts: FinishedAttempt[], updatedAt: string) => {
      for (const a of attempts) {
        this.insertAttempt.run(
          newId('att'),
          a.deliveryId,
          a.startedAt,
          a.durationMs,
          a.statusCode ?? null,
          a.error ?? null,
          a.outcome,
        );
        this.markDelivered.run(a.statusCode ?? null, updatedAt, updatedAt, a.deliveryId, workerId);
      }
    });
  }

  claim(now: string, lockedUntil: string, limit: number, skipHookUrls: string[]): Promise<ClaimedDelivery[]> {
    return this.db.connection().execute(async () => {
      const rows = this.claimTransaction(lockedUntil, now, JSON.stringify(skipHookUrls), limit);
      return rows.map((row) => ({
        id: row.id,
        subscriptionId: row.subscription_id,
        eventId: row.event_id,
        hookUrl: row.hook_url,
        attemptCount: row.attempt_count,
        payload: row.payload,
        secret: row.secret ?? undefined,
      }));
    });
  }

  /** Records attempts that all delivered (the common case) in one transaction. */
  recordDelivered(attempts: FinishedAttempt[], updatedAt: string): Promise<void> {
    return this.db.connection().execute(async () => this.deliveredTransaction(attempts, updatedAt));
  }
}
