import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { toClaimed, type ClaimedDelivery, type FinishedAttempt } from './queue';
import {
  prepareDeliveryStatements,
  type ClaimedRow,
  type DeliveredAttempt,
  type DeliveryStatements,
} from './sqliteDelivery';
import { WorkerLockLostError } from './workerLock';

/**
 * The delivery worker's hot path on SQLite (claiming due deliveries, recording successes) as
 * statements prepared once: building and preparing them through Kysely per round cost more CPU
 * than the HTTP work (see BENCHMARKS.md). Other outcomes (retries, dead, 410) go through Kysely.
 */
export interface SqliteDeliveryPath {
  claim(now: string, lockedUntil: string, limit: number, skipHookUrls: string[]): Promise<ClaimedDelivery[]>;
  /** Records attempts that all delivered (the common case) in one transaction. */
  recordDelivered(attempts: FinishedAttempt[], updatedAt: string): Promise<void>;
  /** Ready to claim: the thread, if any, is up with its statements prepared. */
  open(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A database file gets its own connection in a worker thread, so SQLite's work (a fifth to a half
 * of a delivery's CPU time) runs beside the HTTP work instead of on its thread. An in-memory
 * database cannot be opened twice and keeps the statements on its one connection.
 */
export function sqliteDeliveryPath(
  db: Kysely<Database>,
  sqlite: SQLite.Database,
  file: string | undefined,
  workerId: string,
  requireLock: boolean,
): SqliteDeliveryPath {
  return file
    ? new ThreadPath(file, workerId, requireLock)
    : new SameConnectionPath(db, sqlite, workerId, requireLock);
}

/**
 * Each call holds Kysely's connection lock and runs in one better-sqlite3 transaction,
 * synchronously, so it never mixes with a transaction another caller has open on the connection.
 */
class SameConnectionPath implements SqliteDeliveryPath {
  private readonly statements: DeliveryStatements;

  constructor(
    private readonly db: Kysely<Database>,
    sqlite: SQLite.Database,
    workerId: string,
    requireLock: boolean,
  ) {
    this.statements = prepareDeliveryStatements(sqlite, workerId, requireLock);
  }

  claim(now: string, lockedUntil: string, limit: number, skipHookUrls: string[]): Promise<ClaimedDelivery[]> {
    return this.db.connection().execute(async () => {
      try {
        return this.statements.claim(lockedUntil, now, JSON.stringify(skipHookUrls), limit).map(toClaimed);
      } catch (err) {
        throw asDeliveryError(err as ThreadError);
      }
    });
  }

  recordDelivered(attempts: FinishedAttempt[], updatedAt: string): Promise<void> {
    return this.db
      .connection()
      .execute(async () => this.statements.delivered(attempts.map(toDelivered), updatedAt));
  }

  async open(): Promise<void> {}

  async close(): Promise<void> {}
}

interface ThreadError {
  name?: string;
  message?: string;
  code?: string;
}

type Reply = { id: number; result?: unknown; error?: ThreadError };

/** How long recording successes may wait for a claim to travel with (a crash meanwhile: a resend). */
const RECORD_DELAY_MS = 10;

/**
 * The statements on a connection of their own in a worker thread, started on first use. Requests
 * run one at a time in the order sent. Transactions there are IMMEDIATE and the main connection's
 * are too (see db/storage.ts), so the two connections queue for SQLite's write lock (busy_timeout)
 * rather than fail. If the thread dies, pending calls fail (their claims expire and are sent again:
 * at least once) and the next call starts a new thread.
 */
class ThreadPath implements SqliteDeliveryPath {
  private thread: Worker | undefined;
  private readonly pending = new Map<
    number,
    { thread: Worker; resolve: (value: unknown) => void; reject: (err: Error) => void }
  >();
  private nextId = 0;
  private readonly outbox: Array<Record<string, unknown>> = [];
  private sendTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly file: string,
    private readonly workerId: string,
    private readonly requireLock: boolean,
  ) {}

  async claim(
    now: string,
    lockedUntil: string,
    limit: number,
    skipHookUrls: string[],
  ): Promise<ClaimedDelivery[]> {
    const rows = (await this.call({
      op: 'claim',
      now,
      lockedUntil,
      limit,
      skipHookUrls: JSON.stringify(skipHookUrls),
    })) as ClaimedRow[];
    return rows.map(toClaimed);
  }

  /** Sent with the next claim, or after RECORD_DELAY_MS when no claim comes first. */
  async recordDelivered(attempts: FinishedAttempt[], updatedAt: string): Promise<void> {
    await this.call({ op: 'delivered', attempts: attempts.map(toDelivered), updatedAt }, true);
  }

  /** Starting a thread takes ~100 ms (loading better-sqlite3, preparing): not on the first event's path. */
  async open(): Promise<void> {
    await this.call({ op: 'ping' });
  }

  async close(): Promise<void> {
    const thread = this.thread;
    if (!thread) return;
    this.thread = undefined;
    const exited = new Promise((resolve) => thread.once('exit', resolve));
    thread.postMessage({ op: 'batch', messages: [...this.outbox.splice(0), { op: 'close' }] });
    clearTimeout(this.sendTimer);
    this.sendTimer = undefined;
    await exited;
  }

  /**
   * Each message wakes the thread, and on a busy machine that wake-up costs the sending thread
   * ~0.1 ms (measured: 147 µs a message under load, 20 µs idle): a tenth of its time at a
   * delivery every 100 µs. So a call that can wait (recording successes) is held and sent along
   * with the next one that cannot (a claim), in one message.
   */
  private call(message: Record<string, unknown>, canWait = false): Promise<unknown> {
    const thread = this.thread ?? this.start();
    const id = (this.nextId += 1);
    // The thread keeps the process alive only while a call is waiting on it.
    if (this.pending.size === 0) thread.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { thread, resolve, reject });
      this.outbox.push({ id, ...message });
      if (!canWait) this.send();
      else this.sendTimer ??= setTimeout(() => this.send(), RECORD_DELAY_MS);
    });
  }

  private send(): void {
    clearTimeout(this.sendTimer);
    this.sendTimer = undefined;
    if (this.outbox.length === 0 || !this.thread) return;
    this.thread.postMessage({ op: 'batch', messages: this.outbox.splice(0) });
  }

  private start(): Worker {
    const thread = new Worker(path.join(__dirname, 'sqliteDelivery.js'), {
      workerData: {
        atlasDeliveryThread: true,
        file: this.file,
        workerId: this.workerId,
        requireLock: this.requireLock,
      },
    });
    thread.unref();
    thread.on('message', (reply: Reply) => {
      const call = this.pending.get(reply.id);
      if (!call) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) thread.unref();
      if (reply.error) call.reject(asDeliveryError(reply.error));
      else call.resolve(reply.result);
    });
    const fail = (err: Error) => {
      if (this.thread === thread) {
        this.thread = undefined;
        this.outbox.length = 0;
        clearTimeout(this.sendTimer);
        this.sendTimer = undefined;
      }
      // Only this thread's calls: after an 'error', its 'exit' may come when a new thread has calls.
      for (const [id, call] of this.pending) {
        if (call.thread !== thread) continue;
        this.pending.delete(id);
        call.reject(err);
      }
    };
    thread.on('error', fail);
    thread.on('exit', (code) => fail(new Error(`the delivery database thread exited (code ${code})`)));
    this.thread = thread;
    return thread;
  }
}

function asDeliveryError(error: ThreadError): Error {
  if (error.name === 'WorkerLockLostError') return new WorkerLockLostError();
  if (error instanceof Error) return error;
  return Object.assign(new Error(error.message ?? 'delivery database error'), { code: error.code });
}

function toDelivered(a: FinishedAttempt): DeliveredAttempt {
  return {
    deliveryId: a.deliveryId,
    startedAt: a.startedAt,
    durationMs: a.durationMs,
    statusCode: a.statusCode ?? null,
  };
}
