import type SQLite from 'better-sqlite3';
import type { Storage } from '../db/storage';
import type { Clock } from '../domain/clock';
import { inTransaction } from '../domain/db';
import { removeSubscription } from '../domain/hooks/subscriptions';
import { settlePlatformAttempt } from './platformOutcome';
import {
  cancelDelivery,
  releaseClaims,
  toClaimed,
  type ClaimedDelivery,
  type ClaimRequest,
  type DeliveryQueue,
  type FinishedAttempt,
} from './queue';
import { prepareDeliveryStatements, type DeliveryStatements } from './sqliteDeliveryStatements';
import { SqliteDeliveryThreadClient } from './sqliteDeliveryThreadClient';

/**
 * The queue on SQLite: one worker per database (the worker lock). The claim and the record of
 * attempts are statements prepared once (sqliteDeliveryStatements.ts). On a database file they run
 * in a thread of their own (sqliteDeliveryThreadClient.ts), so the API comes first; in memory (a
 * database that cannot be opened twice) on the API's connection. Attempts that also move a call
 * (platform requests) or remove a subscription (410 Gone) are recorded on the API's connection,
 * in one transaction with those writes.
 */
export class SqliteDeliveryQueue implements DeliveryQueue {
  private readonly thread: SqliteDeliveryThreadClient | undefined;
  private onApiConnection: DeliveryStatements | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly sqlite: SQLite.Database,
    private readonly clock: Clock,
    private readonly workerId: string,
    /** Claim only while this worker holds the delivery worker lock. */
    private readonly requireLock: boolean,
  ) {
    const file = storage.sqliteFile;
    this.thread = file ? new SqliteDeliveryThreadClient({ file, workerId, requireLock }) : undefined;
  }

  /**
   * The statements on the API's connection, prepared on first use (with a thread, only batches
   * that settle calls or remove subscriptions need them). Run only inside db.connection() or a
   * transaction, never beside one.
   */
  private get statements(): DeliveryStatements {
    this.onApiConnection ??= prepareDeliveryStatements(this.sqlite, this.workerId, this.requireLock);
    return this.onApiConnection;
  }

  /** Starts the delivery thread, if this database uses one. */
  async open(): Promise<void> {
    await this.thread?.open();
  }

  async close(): Promise<void> {
    await this.thread?.close();
  }

  async claim(request: ClaimRequest): Promise<ClaimedDelivery[]> {
    const rows = this.thread
      ? await this.thread.claim(request)
      : await this.onConnection(() => this.statements.claim(request));
    return rows.map(toClaimed);
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
    const calls = attempts.filter((a) => a.callId);
    const gone = attempts.filter((a) => a.outcome === 'gone' && !a.callId);
    if (calls.length === 0 && gone.length === 0) {
      if (this.thread) await this.thread.record(attempts, updatedAt);
      else await this.onConnection(() => this.statements.record(attempts, updatedAt));
      return;
    }
    await inTransaction(this.storage.db, async (trx) => {
      // Calls first, then deliveries: the order cancel takes its locks in, so the two never deadlock.
      for (const a of calls) await settlePlatformAttempt(trx, this.clock, a.callId!, a);
      // Inside Kysely's transaction on the same connection: the statements join it.
      this.statements.record(attempts, updatedAt);
      for (const a of gone) await removeSubscription(trx, this.clock, a.subscriptionId);
    });
  }

  /**
   * Holds Kysely's connection lock while the statements run (synchronously, in a better-sqlite3
   * transaction of their own), so they never mix with a transaction another caller has open.
   */
  private onConnection<T>(run: () => T): Promise<T> {
    return this.storage.db.connection().execute(async () => run());
  }
}
