import type { Logger } from 'pino';
import type { Clock } from '../domain/clock';
import type { ClaimedDelivery, DeliveryQueue } from './queue';
import { WorkerLockLostError } from './workerLock';

/**
 * Claims held per slot, in flight or ready (overall and per hook URL), and how many rounds of slots
 * one claim asks for under load. A worker claims two rounds at a time once two rounds' room is
 * free, so at least two rounds are ready when the next claim goes out, as with four held and one
 * round a claim before: a freed slot starts its next attempt without waiting for the database even
 * while a claim is slow to come back (a busy machine). (Two held and one round a claim: a freed
 * slot found nothing ready after 60% of attempts on a 2-core machine under load; four held, after
 * about 10%.) Two rounds a claim halve the claims per delivery: in bench:pg-cycle, claims of 96
 * instead of 32 cost the worker 31–43 µs a delivery instead of 41–60, and PostgreSQL 93–101
 * instead of 85–122 (BENCHMARKS.md, round 10).
 */
export const HELD_PER_SLOT = 5;
const ROUNDS_PER_CLAIM = 2;
/**
 * A claim outlives the longest a held delivery can wait for a slot (four attempts before it) and
 * its own attempt, by a wide margin; only a dead worker's claims expire.
 */
const LEASE_MARGIN_MS = 60_000;

export interface PumpOptions {
  queue: Pick<DeliveryQueue, 'claim' | 'release'>;
  clock: Clock;
  logger: Logger;
  /** Attempts at once, overall and per hook URL, and each attempt's timeout (for the lease). */
  limits: { concurrency: number; concurrencyPerUrl: number; timeoutMs: number };
  /** Whether claiming and launching may go on (not stopping; on SQLite, holding the worker lock). */
  active: () => boolean;
  /** One attempt of a claimed delivery; its promise settles when the slot is free again. */
  attempt: (delivery: ClaimedDelivery) => Promise<void>;
  /** A claim was refused because another worker took the SQLite worker lock over. */
  onLockLost: () => void;
}

/**
 * Keeps the worker's slots busy: claims due deliveries ahead of free slots, bounds attempts overall
 * and per hook URL, and launches them. One claim round is in progress at a time; a wake-up meanwhile
 * makes it go round once more instead of starting a second one.
 */
export class DeliveryPump {
  /** Attempts in flight per hook URL. */
  private readonly perUrl = new Map<string, number>();
  private inFlight = 0;
  /** Claimed and waiting for a slot (or for their hook URL to be under its limit). */
  private ready: ClaimedDelivery[] = [];
  private pumping = false;
  /** The latest claim round, for stop() to wait on. */
  private pumped: Promise<void> = Promise.resolve();
  private pumpAgain = false;
  private idle: (() => void) | undefined;

  constructor(private readonly options: PumpOptions) {}

  /** Claims and launches now, or once more after the claim round in progress. */
  wake(): void {
    if (!this.options.active()) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    // Set before pump() runs, so a wake-up from inside its first synchronous part only asks again.
    this.pumping = true;
    this.pumped = this.pump();
  }

  /**
   * Drops ready claims without giving them back: another worker took the SQLite lock over and
   * already released them, so sending them would send twice.
   */
  dropReady(): void {
    this.ready.splice(0);
  }

  /**
   * For a stopping worker (active() already false): waits for the claim round in progress, gives the
   * ready claims back untouched, and waits until in-flight attempts have settled.
   */
  async stop(): Promise<void> {
    await this.pumped;
    await this.options.queue.release(this.ready.splice(0).map((delivery) => delivery.id));
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.idle = resolve));
  }

  private async pump(): Promise<void> {
    try {
      do {
        this.pumpAgain = false;
        await this.fill();
      } while (this.pumpAgain && this.options.active());
    } catch (err) {
      if (err instanceof WorkerLockLostError) this.options.onLockLost();
      else this.options.logger.error({ err }, 'claiming deliveries failed; retrying at the next poll');
    } finally {
      this.pumping = false;
    }
  }

  /**
   * Keeps up to HELD_PER_SLOT - 1 rounds of claimed deliveries ready beside those in flight, so a
   * freed slot starts its next attempt without waiting for the database. Under load, claims come
   * ROUNDS_PER_CLAIM rounds at a time (one database call each). Per hook URL, at most HELD_PER_SLOT
   * times its limit is held (in flight or ready), so a ready delivery waits for at most
   * HELD_PER_SLOT - 1 attempts' time: its claim's lease covers that and its own attempt.
   */
  private async fill(): Promise<void> {
    const { concurrency, concurrencyPerUrl } = this.options.limits;
    const maxHeldPerUrl = HELD_PER_SLOT * concurrencyPerUrl;
    for (;;) {
      this.launchReady();
      const want = HELD_PER_SLOT * concurrency - this.inFlight - this.ready.length;
      if (!this.options.active() || want < this.claimBatch()) return;
      const held = new Map(this.perUrl);
      for (const delivery of this.ready) held.set(delivery.hookUrl, (held.get(delivery.hookUrl) ?? 0) + 1);
      const saturated = [...held].filter(([, n]) => n >= maxHeldPerUrl).map(([url]) => url);
      const claimed = await this.claim(want, saturated);
      const overflow: string[] = [];
      for (const delivery of claimed) {
        const n = held.get(delivery.hookUrl) ?? 0;
        if (n >= maxHeldPerUrl || !this.options.active()) {
          overflow.push(delivery.id);
        } else {
          held.set(delivery.hookUrl, n + 1);
          this.ready.push(delivery);
        }
      }
      await this.options.queue.release(overflow);
      this.launchReady();
      if (claimed.length < want || overflow.length > 0) return;
    }
  }

  /** The one call to DeliveryQueue.claim, with the lease every claim of this worker gets. */
  private claim(limit: number, skipHookUrls: string[]): Promise<ClaimedDelivery[]> {
    const now = this.options.clock.now();
    const lockedUntil = new Date(
      now.getTime() + HELD_PER_SLOT * this.options.limits.timeoutMs + LEASE_MARGIN_MS,
    );
    return this.options.queue.claim({
      now: now.toISOString(),
      lockedUntil: lockedUntil.toISOString(),
      limit,
      skipHookUrls,
    });
  }

  /** Under no load, one delivery is worth claiming; otherwise wait until ROUNDS_PER_CLAIM rounds' worth of room. */
  private claimBatch(): number {
    return this.inFlight + this.ready.length === 0
      ? 1
      : Math.max(1, ROUNDS_PER_CLAIM * this.options.limits.concurrency);
  }

  /** Starts ready deliveries while slots are free and their hook URL is under its limit. */
  private launchReady(): void {
    const { concurrency, concurrencyPerUrl } = this.options.limits;
    for (let i = 0; i < this.ready.length && this.inFlight < concurrency && this.options.active();) {
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
      const room = HELD_PER_SLOT * this.options.limits.concurrency - this.inFlight - this.ready.length;
      if (room >= this.claimBatch()) this.wake();
    };
    // One handler for both outcomes: a promise less per attempt than .catch().finally().
    this.options.attempt(delivery).then(settled, (err: unknown) => {
      this.options.logger.error({ err, delivery: delivery.id }, 'delivery attempt failed');
      settled();
    });
  }
}
