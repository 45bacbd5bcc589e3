import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { startThread } from '../db/startThread';
import type { ClaimedRow, ClaimRequest, FinishedAttempt } from './queue';
import {
  fromThreadError,
  type DeliveryThreadData,
  type DeliveryThreadReply,
  type DeliveryThreadRequest,
  type SuccessReplies,
} from './sqliteDeliveryProtocol';

/** A request with an id (all but close), and the reply it gets when it succeeds. */
type Call = Exclude<DeliveryThreadRequest, { kind: 'close' }>;
type SuccessOf<R extends Call> = Extract<DeliveryThreadReply, { kind: SuccessReplies[R['kind']] }>;

interface Pending {
  thread: Worker;
  resolve(reply: DeliveryThreadReply): void;
  reject(err: Error): void;
}

/** How long recording attempts may wait for a claim to travel with (a crash meanwhile: a resend). */
const RECORD_DELAY_MS = 10;

/**
 * The delivery statements (sqliteDeliveryStatements.ts) on a connection of their own in a worker
 * thread (sqliteDeliveryThread.ts), started on first use, so SQLite's work (a fifth to a half of a
 * delivery's CPU time) runs beside the HTTP work instead of on its thread. Requests run one at a
 * time in the order sent. Transactions there are IMMEDIATE and the main connection's are too (see
 * db/storage.ts), so the two connections queue for SQLite's write lock (busy_timeout) rather than
 * fail. If the thread dies, pending calls fail (their claims expire and are sent again: at least
 * once) and the next call starts a new thread.
 */
export class SqliteDeliveryThreadClient {
  private thread: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private readonly outbox: DeliveryThreadRequest[] = [];
  private sendTimer: NodeJS.Timeout | undefined;

  constructor(private readonly data: DeliveryThreadData) {}

  async claim(request: ClaimRequest): Promise<ClaimedRow[]> {
    const reply = await this.call({ kind: 'claim', id: this.newId(), ...request });
    return reply.rows;
  }

  /** Sent with the next claim, or after RECORD_DELAY_MS when no claim comes first. */
  async record(attempts: FinishedAttempt[], updatedAt: string): Promise<void> {
    await this.call({ kind: 'record', id: this.newId(), attempts, updatedAt }, true);
  }

  /** Starting a thread takes ~100 ms (loading better-sqlite3, preparing): not on the first event's path. */
  async open(): Promise<void> {
    await this.call({ kind: 'ping', id: this.newId() });
  }

  async close(): Promise<void> {
    const thread = this.thread;
    if (!thread) return;
    this.thread = undefined;
    // Unreferenced, the thread would not keep the process alive while it is awaited here.
    thread.ref();
    const exited = new Promise((resolve) => thread.once('exit', resolve));
    this.post(thread, [...this.outbox.splice(0), { kind: 'close' }]);
    clearTimeout(this.sendTimer);
    this.sendTimer = undefined;
    await exited;
  }

  private newId(): number {
    return (this.nextId += 1);
  }

  /**
   * Each message wakes the thread, and on a busy machine that wake-up costs the sending thread
   * ~0.1 ms (measured: 147 µs a message under load, 20 µs idle): a tenth of its time at a
   * delivery every 100 µs. So a call that can wait (recording attempts) is held and sent along
   * with the next one that cannot (a claim), in one message.
   */
  private call<R extends Call>(request: R, canWait = false): Promise<SuccessOf<R>> {
    const thread = this.thread ?? this.start();
    // The thread keeps the process alive only while a call is waiting on it.
    if (this.pending.size === 0) thread.ref();
    return new Promise((resolve, reject) => {
      // The thread answers each request with its success reply (SuccessReplies) or failed.
      this.pending.set(request.id, { thread, resolve: resolve as Pending['resolve'], reject });
      this.outbox.push(request);
      if (!canWait) this.send();
      else this.sendTimer ??= setTimeout(() => this.send(), RECORD_DELAY_MS);
    });
  }

  private send(): void {
    clearTimeout(this.sendTimer);
    this.sendTimer = undefined;
    if (this.outbox.length === 0 || !this.thread) return;
    this.post(this.thread, this.outbox.splice(0));
  }

  private post(thread: Worker, requests: DeliveryThreadRequest[]): void {
    thread.postMessage(requests);
  }

  private start(): Worker {
    const thread = startThread(path.join(__dirname, 'sqliteDeliveryThread'), { workerData: this.data });
    thread.unref();
    thread.on('message', (reply: DeliveryThreadReply) => {
      const call = this.pending.get(reply.id);
      if (!call) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) thread.unref();
      if (reply.kind === 'failed') call.reject(fromThreadError(reply.error));
      else call.resolve(reply);
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
