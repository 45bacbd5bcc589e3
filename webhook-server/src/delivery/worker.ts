import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Storage } from '../db/database';
import type { Clock } from '../domain/clock';
import { onNewDeliveries } from '../domain/hooks/newWork';
import type { DeliveryConfig } from './config';
import type { DeliveryMetrics } from './metrics';
import { listenForDeliveries } from './pgWakeups';
import { DeliveryQueue, type ClaimedDelivery, type FinishedAttempt } from './queue';
import { decide } from './retryPolicy';
import { HookSender } from './sender';

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
}

/** A claim outlives the longest attempt by a wide margin; only a dead worker's claims expire. */
const LEASE_MARGIN_MS = 60_000;

/**
 * Sends due deliveries with bounded concurrency, overall and per hook URL. Wakes when fan-out
 * signals committed work (in process, or by PostgreSQL NOTIFY), otherwise polls once a second.
 * Results are written in batches; a crash before a result is written means the delivery is sent
 * again after its claim expires (at least once, never lost).
 */
export class DeliveryWorker {
  readonly id = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly queue: DeliveryQueue;
  private readonly sender: HookSender;
  private readonly perUrl = new Map<string, number>();
  private inFlight = 0;
  private pumping = false;
  private pumpAgain = false;
  private stopping = false;
  private finished: FinishedAttempt[] = [];
  private flushing: Promise<void> | undefined;
  private idle: (() => void) | undefined;
  private cleanups: Array<() => unknown> = [];

  constructor(private readonly options: WorkerOptions) {
    this.queue = new DeliveryQueue(options.storage, options.clock, this.id);
    this.sender = new HookSender({
      timeoutMs: options.config.timeoutMs,
      allowPrivateHookUrls: options.config.allowPrivateHookUrls,
      connectionsPerOrigin: options.config.concurrencyPerUrl,
    });
  }

  async start(): Promise<void> {
    await this.queue.releaseStaleClaims();
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
    if (this.stopping) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    void this.pump();
  }

  /** Stops claiming, lets in-flight attempts finish and records them. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const cleanup of this.cleanups.splice(0)) await cleanup();
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.idle = resolve));
    while (this.flushing || this.finished.length) await this.flush();
    await this.sender.close();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        await this.fill();
      } while (this.pumpAgain && !this.stopping);
    } catch (err) {
      this.options.logger.error({ err }, 'claiming deliveries failed; retrying at the next poll');
    } finally {
      this.pumping = false;
    }
  }

  private async fill(): Promise<void> {
    const { concurrency, concurrencyPerUrl, timeoutMs } = this.options.config;
    for (;;) {
      const free = concurrency - this.inFlight;
      if (free <= 0 || this.stopping) return;
      const saturated = [...this.perUrl].filter(([, n]) => n >= concurrencyPerUrl).map(([url]) => url);
      const claimed = await this.queue.claim(free, timeoutMs + LEASE_MARGIN_MS, saturated);
      const overflow: string[] = [];
      for (const delivery of claimed) {
        if ((this.perUrl.get(delivery.hookUrl) ?? 0) >= concurrencyPerUrl || this.stopping)
          overflow.push(delivery.id);
        else this.launch(delivery);
      }
      await this.queue.release(overflow);
      if (claimed.length < free || overflow.length > 0) return;
    }
  }

  private launch(delivery: ClaimedDelivery): void {
    this.inFlight += 1;
    this.perUrl.set(delivery.hookUrl, (this.perUrl.get(delivery.hookUrl) ?? 0) + 1);
    void this.attempt(delivery)
      .catch((err: unknown) =>
        this.options.logger.error({ err, delivery: delivery.id }, 'delivery attempt failed'),
      )
      .finally(() => {
        this.inFlight -= 1;
        const left = (this.perUrl.get(delivery.hookUrl) ?? 1) - 1;
        if (left > 0) this.perUrl.set(delivery.hookUrl, left);
        else this.perUrl.delete(delivery.hookUrl);
        if (this.inFlight === 0) this.idle?.();
        this.wake();
      });
  }

  private async attempt(delivery: ClaimedDelivery): Promise<void> {
    if (delivery.secret === undefined) {
      await this.queue.cancel(delivery.id);
      return;
    }
    const { clock, config, metrics } = this.options;
    const startedAt = clock.now().toISOString();
    const result = await this.sender.send(
      delivery.hookUrl,
      delivery.secret,
      delivery.eventId,
      `[${delivery.payload}]`,
    );
    const attemptNumber = delivery.attemptCount + 1;
    const decision = decide(result, attemptNumber, config, clock.now().getTime());
    metrics?.attempted(decision.outcome, result.durationMs);
    this.finished.push({
      deliveryId: delivery.id,
      subscriptionId: delivery.subscriptionId,
      attemptNumber,
      startedAt,
      durationMs: result.durationMs,
      statusCode: result.statusCode,
      error: result.error,
      outcome: decision.outcome,
      nextAttemptAt:
        decision.nextAttemptAt === undefined ? undefined : new Date(decision.nextAttemptAt).toISOString(),
    });
    void this.flush();
  }

  /** Writes finished attempts, many per transaction while earlier writes are in progress. */
  private flush(): Promise<void> {
    this.flushing ??= (async () => {
      while (this.finished.length) {
        const batch = this.finished.splice(0);
        try {
          await this.queue.finish(batch);
        } catch (err) {
          // Their claims expire and they are sent again: at least once.
          this.options.logger.error({ err, count: batch.length }, 'recording delivery attempts failed');
        }
      }
    })().finally(() => {
      this.flushing = undefined;
      if (this.finished.length) void this.flush();
    });
    return this.flushing;
  }
}
