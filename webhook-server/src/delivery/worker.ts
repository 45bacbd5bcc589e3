import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Storage } from '../db/storage';
import type { Clock } from '../domain/clock';
import { onNewDeliveries } from '../domain/hooks/newWork';
import type { DeliveryConfig } from './config';
import type { DeliveryMetrics } from './metrics';
import { DeliveryAttempter } from './attempt';
import { LockHeartbeat } from './lockHeartbeat';
import { listenForDeliveries } from './pgWakeups';
import { openDeliveryQueue } from './openQueue';
import type { DeliveryProviders } from './providers';
import { DeliveryPump } from './pump';
import type { DeliveryQueue } from './queue';
import { ResultRecorder } from './resultRecorder';
import type { PlatformEndpoint } from './target';
import { SqliteWorkerLock, WORKER_LOCK_HELD_MESSAGE, WorkerLockHeldError } from './workerLock';

export interface WorkerOptions {
  storage: Storage;
  clock: Clock;
  logger: Logger;
  config: DeliveryConfig;
  metrics?: DeliveryMetrics;
  /** PostgreSQL URL to LISTEN on for new work from other processes. */
  listenUrl?: string;
  /** Fallback poll, for retries coming due and signals that were missed. */
  pollIntervalMs?: number;
  /**
   * SQLite: when another live worker holds the worker lock, start anyway without claiming and take
   * the lock over when that worker stops or dies. Otherwise start() throws WorkerLockHeldError.
   */
  waitForLock?: boolean;
  /** SQLite: another worker took the lock over (this one's heartbeat came too late); it stopped claiming. */
  onLockLost?: () => void;
  /** Providers whose deliveries have their own body and headers (ghl); others send Standard Webhooks. */
  providers?: DeliveryProviders;
  /** Where calls are dispatched (CALLING_ADAPTER=dispatch); platform deliveries fail and retry without it. */
  platform?: PlatformEndpoint;
}

/**
 * On PostgreSQL, results wait up to 20 ms to share a write (about 80 at 4,000 deliveries a second):
 * each statement has a cost of its own, in the database and in the worker, and in bench:pg-cycle
 * writing the results of three claims of 32 at once instead of each claim's took the PostgreSQL
 * CPU from 100–102 to 76–87 µs a delivery and the worker's from 45–46 to 30–44 (BENCHMARKS.md,
 * round 9). The wait delays only when a result shows, not the attempt; a crash meanwhile means a
 * resend, as for any result not yet written. SQLite keeps the default its rate was measured with.
 */
const PG_FLUSH_DELAY_MS = 20;

/**
 * Sends due deliveries with bounded concurrency, overall and per hook URL. Wakes when fan-out
 * signals committed work (in process, or by PostgreSQL NOTIFY), otherwise polls once a second.
 * Results are written in batches; a crash before a result is written means the delivery is sent
 * again after its claim expires (at least once, never lost).
 *
 * It composes the parts, each in its own file: the pump (pump.ts) claims and launches, the attempter
 * (attempt.ts) sends one delivery, the recorder (resultRecorder.ts) writes results in batches, and on
 * SQLite the lock heartbeat (lockHeartbeat.ts) says whether this worker may claim at all. This file
 * owns their order at start and stop.
 */
export class DeliveryWorker {
  readonly id = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly queue: DeliveryQueue;
  private readonly attempter: DeliveryAttempter;
  private readonly recorder: ResultRecorder;
  private readonly pump: DeliveryPump;
  /** SQLite only: one worker per database may claim. */
  private readonly heartbeat: LockHeartbeat | undefined;
  /** PostgreSQL: any number of workers claim, from start() on. */
  private started = false;
  private stopping = false;
  private cleanups: Array<() => unknown> = [];
  private stopped: Promise<void> | undefined;

  constructor(private readonly options: WorkerOptions) {
    const { storage, config, logger } = options;
    const sqlite = storage.engine === 'sqlite';
    this.queue = openDeliveryQueue(storage, options.clock, this.id, { requireLock: sqlite });
    this.recorder = new ResultRecorder(this.queue, logger, sqlite ? undefined : PG_FLUSH_DELAY_MS);
    this.attempter = new DeliveryAttempter({
      queue: this.queue,
      clock: options.clock,
      config,
      metrics: options.metrics,
      providers: options.providers,
      platform: options.platform,
      record: (attempt) => this.recorder.add(attempt),
    });
    this.pump = new DeliveryPump({
      queue: this.queue,
      clock: options.clock,
      logger,
      limits: config,
      active: () => this.active,
      attempt: (delivery) => this.attempter.attempt(delivery),
      onLockLost: () => this.heartbeat?.lost(),
    });
    this.heartbeat = sqlite
      ? new LockHeartbeat({
          lock: new SqliteWorkerLock(storage.db, this.id, config.lockTimeoutMs),
          workerId: this.id,
          logger,
          // A third of the stale threshold: two heartbeats may fail (a busy disk) before another worker may take over.
          intervalMs: config.lockTimeoutMs / 3,
          waitForLock: options.waitForLock ?? false,
          // The previous holder stopped or missed heartbeats past the stale threshold: its claims are void.
          onTaken: async () => {
            await this.queue.releaseStaleClaims();
            await this.queue.open();
          },
          onTakenOver: () => this.wake(),
          onLost: () => {
            this.pump.dropReady();
            this.options.onLockLost?.();
          },
        })
      : undefined;
  }

  /** Whether this worker claims deliveries (on SQLite: holds the worker lock). */
  get active(): boolean {
    return (this.heartbeat ? this.heartbeat.holding : this.started) && !this.stopping;
  }

  async start(): Promise<void> {
    if (!this.heartbeat) {
      this.started = true;
    } else {
      const lock = await this.heartbeat.start();
      if (lock === 'waiting') {
        this.options.logger.warn(
          { worker: this.id },
          `${WORKER_LOCK_HELD_MESSAGE}; this delivery worker waits and takes over if that one stops or dies`,
        );
      } else if (lock === 'refused') {
        await this.attempter.close();
        throw new WorkerLockHeldError();
      }
    }
    this.cleanups.push(onNewDeliveries(() => this.wake()));
    const poll = setInterval(() => this.wake(), this.options.pollIntervalMs ?? 1000);
    poll.unref();
    this.cleanups.push(() => clearInterval(poll));
    if (this.options.listenUrl)
      this.cleanups.push(listenForDeliveries(this.options.listenUrl, () => this.wake(), this.options.logger));
    this.wake();
  }

  /** Looks for due deliveries now. */
  wake(): void {
    if (this.active) this.pump.wake();
  }

  /** Stops claiming, lets in-flight attempts finish and records them. */
  stop(): Promise<void> {
    this.stopped ??= this.drain();
    return this.stopped;
  }

  private async drain(): Promise<void> {
    this.stopping = true;
    this.heartbeat?.stopWaiting();
    for (const cleanup of this.cleanups.splice(0)) await cleanup();
    // In-flight attempts add their results as they settle, so the recorder drains after the pump.
    await this.pump.stop();
    await this.recorder.drain();
    await this.attempter.close();
    await this.queue.close();
    // Heartbeats go on until in-flight results are recorded, so no other worker takes over meanwhile.
    await this.heartbeat?.release();
    this.started = false;
  }
}
