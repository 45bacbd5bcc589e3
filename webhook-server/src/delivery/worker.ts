import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Storage } from '../db/storage';
import type { Clock } from '../domain/clock';
import { onNewDeliveries } from '../domain/hooks/newWork';
import type { DeliveryConfig } from './config';
import type { DeliveryMetrics } from './metrics';
import { listenForDeliveries } from './pgWakeups';
import { openDeliveryQueue } from './openQueue';
import type { ClaimedDelivery, DeliveryQueue, FinishedAttempt } from './queue';
import { decide } from './retryPolicy';
import type { DeliveryProviders } from './providers';
import { HookSender, type AttemptResult } from './sender';
import { outgoingRequest, targetDecision, type OutgoingRequest, type PlatformEndpoint } from './target';
import {
  SqliteWorkerLock,
  WORKER_LOCK_HELD_MESSAGE,
  WorkerLockHeldError,
  WorkerLockLostError,
} from './workerLock';

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
 * Claims held per slot, in flight or ready (overall and per hook URL): a worker keeps up to three
 * rounds claimed ahead of its slots, so a freed slot starts its next attempt without waiting for
 * the database even while a claim is slow to come back (a busy machine). With two (one round
 * ready), a freed slot found nothing ready after 60% of attempts on a 2-core machine under load;
 * with four, after about 10%.
 */
const HELD_PER_SLOT = 4;
/**
 * A claim outlives the longest a held delivery can wait for a slot (three attempts before it) and
 * its own attempt, by a wide margin; only a dead worker's claims expire.
 */
const LEASE_MARGIN_MS = 60_000;
const FLUSH_DELAY_MS = 5;
const FLUSH_BATCH = 200;

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
  /** For the calling platform, whose operator-set URL may be private (hook URLs may not). */
  private readonly platformSender: HookSender | undefined;
  private readonly perUrl = new Map<string, number>();
  private inFlight = 0;
  private pumping = false;
  private pumpAgain = false;
  private stopping = false;
  private finished: FinishedAttempt[] = [];
  private flushing: Promise<void> | undefined;
  private idle: (() => void) | undefined;
  private pumpDone: (() => void) | undefined;
  private ready: ClaimedDelivery[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private cleanups: Array<() => unknown> = [];
  /** SQLite only: one worker per database may claim. */
  private readonly lock: SqliteWorkerLock | undefined;
  /** Whether this worker may claim (PostgreSQL: always; SQLite: while it holds the lock). */
  private holding = false;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private beating: Promise<void> | undefined;
  private stopped: Promise<void> | undefined;

  constructor(private readonly options: WorkerOptions) {
    const sqlite = options.storage.engine === 'sqlite';
    this.queue = openDeliveryQueue(options.storage, options.clock, this.id, { requireLock: sqlite });
    this.lock = sqlite
      ? new SqliteWorkerLock(options.storage.db, this.id, options.config.lockTimeoutMs)
      : undefined;
    this.sender = new HookSender({
      timeoutMs: options.config.timeoutMs,
      allowPrivateHookUrls: options.config.allowPrivateHookUrls,
      // undici counts sockets per origin, but many tenants' hook URLs share one origin
      // (hooks.zapier.com): capping sockets per origin at the per-URL bound would queue other
      // tenants' attempts inside undici, where their timeout runs before they are sent. The worker
      // bounds attempts per hook URL itself, so an origin may use up to the total concurrency.
      connectionsPerOrigin: options.config.concurrency,
    });
    this.platformSender = options.platform
      ? new HookSender({
          timeoutMs: options.config.timeoutMs,
          allowPrivateHookUrls: true,
          connectionsPerOrigin: options.config.concurrencyPerUrl,
        })
      : undefined;
  }

  /** Whether this worker claims deliveries (on SQLite: holds the worker lock). */
  get active(): boolean {
    return this.holding && !this.stopping;
  }

  async start(): Promise<void> {
    if (!this.lock) {
      this.holding = true;
    } else if (await this.lock.acquire()) {
      await this.tookLock();
    } else if (this.options.waitForLock) {
      this.options.logger.warn(
        { worker: this.id },
        `${WORKER_LOCK_HELD_MESSAGE}; this delivery worker waits and takes over if that one stops or dies`,
      );
    } else {
      await this.sender.close();
      await this.platformSender?.close();
      throw new WorkerLockHeldError();
    }
    if (this.lock) {
      // A third of the stale threshold: two heartbeats may fail (a busy disk) before another worker may take over.
      this.heartbeatTimer = setInterval(() => void this.heartbeat(), this.options.config.lockTimeoutMs / 3);
      this.heartbeatTimer.unref();
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
    if (!this.active) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    void this.pump();
  }

  /** Stops claiming, lets in-flight attempts finish and records them. */
  stop(): Promise<void> {
    this.stopped ??= this.drain();
    return this.stopped;
  }

  private async drain(): Promise<void> {
    this.stopping = true;
    for (const cleanup of this.cleanups.splice(0)) await cleanup();
    if (this.pumping) await new Promise<void>((resolve) => (this.pumpDone = resolve));
    await this.queue.release(this.ready.splice(0).map((delivery) => delivery.id));
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.idle = resolve));
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    while (this.flushing || this.finished.length) await this.flush();
    await this.sender.close();
    await this.platformSender?.close();
    await this.queue.close();
    // Heartbeats go on until in-flight results are recorded, so no other worker takes over meanwhile.
    clearInterval(this.heartbeatTimer);
    await this.beating;
    if (this.holding) await this.lock?.release();
    this.holding = false;
  }

  /** The previous holder stopped or missed heartbeats past the stale threshold: its claims are void. */
  private async tookLock(): Promise<void> {
    await this.queue.releaseStaleClaims();
    await this.queue.open();
    this.holding = true;
  }

  /** Renews the lock while holding it; otherwise, when waiting for it, tries to take it. */
  private heartbeat(): Promise<void> {
    this.beating ??= (async () => {
      try {
        if (this.holding) {
          if (!(await this.lock!.renew())) this.lostLock();
        } else if (this.options.waitForLock && !this.stopping && (await this.lock!.acquire())) {
          await this.tookLock();
          this.options.logger.info({ worker: this.id }, 'delivery worker took the SQLite worker lock over');
          this.wake();
        }
      } catch (err) {
        this.options.logger.warn({ err }, 'delivery worker lock heartbeat failed; retrying');
      }
    })().finally(() => (this.beating = undefined));
    return this.beating;
  }

  /** Another worker took over and released this one's claims: sending them would send twice. */
  private lostLock(): void {
    if (!this.holding) return;
    this.holding = false;
    this.ready.splice(0);
    this.options.logger.error(
      { worker: this.id },
      'delivery worker lost the SQLite worker lock to another worker (its heartbeat came too late); it stopped claiming',
    );
    this.options.onLockLost?.();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        await this.fill();
      } while (this.pumpAgain && !this.stopping);
    } catch (err) {
      if (err instanceof WorkerLockLostError) this.lostLock();
      else this.options.logger.error({ err }, 'claiming deliveries failed; retrying at the next poll');
    } finally {
      this.pumping = false;
      this.pumpDone?.();
    }
  }

  /**
   * Keeps up to HELD_PER_SLOT - 1 rounds of claimed deliveries ready beside those in flight, so a
   * freed slot starts its next attempt without waiting for the database. Under load, claims come a
   * round at a time (one database call per round). Per hook URL, at most HELD_PER_SLOT times its
   * limit is held (in flight or ready), so a ready delivery waits for at most HELD_PER_SLOT - 1
   * attempts' time: its claim's lease covers that and its own attempt.
   */
  private async fill(): Promise<void> {
    const { concurrency, concurrencyPerUrl, timeoutMs } = this.options.config;
    const maxHeldPerUrl = HELD_PER_SLOT * concurrencyPerUrl;
    for (;;) {
      this.launchReady();
      const want = HELD_PER_SLOT * concurrency - this.inFlight - this.ready.length;
      if (!this.active || want < this.claimBatch()) return;
      const held = new Map(this.perUrl);
      for (const delivery of this.ready) held.set(delivery.hookUrl, (held.get(delivery.hookUrl) ?? 0) + 1);
      const saturated = [...held].filter(([, n]) => n >= maxHeldPerUrl).map(([url]) => url);
      const now = this.options.clock.now();
      const lockedUntil = new Date(now.getTime() + HELD_PER_SLOT * timeoutMs + LEASE_MARGIN_MS);
      const claimed = await this.queue.claim({
        now: now.toISOString(),
        lockedUntil: lockedUntil.toISOString(),
        limit: want,
        skipHookUrls: saturated,
      });
      const overflow: string[] = [];
      for (const delivery of claimed) {
        const n = held.get(delivery.hookUrl) ?? 0;
        if (n >= maxHeldPerUrl || !this.active) {
          overflow.push(delivery.id);
        } else {
          held.set(delivery.hookUrl, n + 1);
          this.ready.push(delivery);
        }
      }
      await this.queue.release(overflow);
      this.launchReady();
      if (claimed.length < want || overflow.length > 0) return;
    }
  }

  private claimBatch(): number {
    return this.inFlight + this.ready.length === 0 ? 1 : Math.max(1, this.options.config.concurrency);
  }

  /** Starts ready deliveries while slots are free and their hook URL is under its limit. */
  private launchReady(): void {
    const { concurrency, concurrencyPerUrl } = this.options.config;
    for (let i = 0; i < this.ready.length && this.inFlight < concurrency && this.active;) {
      const delivery = this.ready[i]!;
      if ((this.perUrl.get(delivery.hookUrl) ?? 0) < concurrencyPerUrl) {
        this.ready.splice(i, 1);
        this.launch(delivery);
      } else {
        i += 1;
      }
    }
  }

  private launch(delivery: ClaimedDelivery): void {
    this.inFlight += 1;
    this.perUrl.set(delivery.hookUrl, (this.perUrl.get(delivery.hookUrl) ?? 0) + 1);
    const settled = () => {
      this.inFlight -= 1;
      const left = (this.perUrl.get(delivery.hookUrl) ?? 1) - 1;
      if (left > 0) this.perUrl.set(delivery.hookUrl, left);
      else this.perUrl.delete(delivery.hookUrl);
      if (this.inFlight === 0) this.idle?.();
      this.launchReady();
      const room = HELD_PER_SLOT * this.options.config.concurrency - this.inFlight - this.ready.length;
      if (room >= this.claimBatch()) this.wake();
    };
    // One handler for both outcomes: a promise less per attempt than .catch().finally().
    this.attempt(delivery).then(settled, (err: unknown) => {
      this.options.logger.error({ err, delivery: delivery.id }, 'delivery attempt failed');
      settled();
    });
  }

  private async attempt(delivery: ClaimedDelivery): Promise<void> {
    const request = outgoingRequest(delivery, this.options.platform);
    if (request === undefined) {
      await this.queue.cancel(delivery.id);
      return;
    }
    const { clock, config, metrics } = this.options;
    const startedAt = clock.now().toISOString();
    // A provider with a request of its own (ghl) makes it; every other delivery is decided in target.ts.
    const provider = delivery.callId === undefined ? this.options.providers?.[delivery.provider] : undefined;
    const result = provider
      ? await provider.attempt(delivery, this.sender)
      : await this.sendRequest(delivery, request);
    const attemptNumber = delivery.attemptCount + 1;
    const decision = targetDecision(delivery, decide(result, attemptNumber, config, clock.now().getTime()));
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
      ...(delivery.callId ? { callId: delivery.callId } : {}),
    });
    this.scheduleFlush();
  }

  private sendRequest(delivery: ClaimedDelivery, request: OutgoingRequest | string): Promise<AttemptResult> {
    if (typeof request === 'string') return Promise.resolve({ durationMs: 0, error: request });
    return this.senderFor(request).send(
      request.url,
      request.secret,
      delivery.eventId,
      request.body,
      delivery.signed,
      request.headers,
    );
  }

  /** The platform's sender only for the operator's own URL; anything else keeps the public-address guard. */
  private senderFor(request: OutgoingRequest): HookSender {
    return request.trusted && this.platformSender ? this.platformSender : this.sender;
  }

  /** Gathers results for a moment so one transaction records many (a crash meanwhile only means a resend). */
  private scheduleFlush(): void {
    if (this.finished.length >= FLUSH_BATCH) {
      void this.flush();
      return;
    }
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      void this.flush();
    }, FLUSH_DELAY_MS);
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
