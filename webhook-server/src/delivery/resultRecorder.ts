import type { Logger } from 'pino';
import type { DeliveryQueue, FinishedAttempt } from './queue';

/** How long a finished attempt waits for others to share its write, unless told otherwise. */
const FLUSH_DELAY_MS = 5;
/** A batch this large is written at once instead of waiting. */
const FLUSH_BATCH = 200;

/**
 * Records finished attempts through DeliveryQueue.finish in batches: one write (one transaction or
 * statement) for many attempts, and while one write is in progress the next batch gathers. A crash
 * before a result is written only means a resend once its claim expires (at least once, never lost),
 * so a failed write is logged and dropped, not retried: its deliveries are sent again instead.
 */
export class ResultRecorder {
  private finished: FinishedAttempt[] = [];
  private flushing: Promise<void> | undefined;
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly queue: Pick<DeliveryQueue, 'finish'>,
    private readonly logger: Logger,
    /** The batching delay: longer gathers more results a write, and delays only when they show. */
    private readonly flushDelayMs = FLUSH_DELAY_MS,
  ) {}

  /** Queues one finished attempt for the next write. */
  add(attempt: FinishedAttempt): void {
    this.finished.push(attempt);
    if (this.finished.length >= FLUSH_BATCH) {
      void this.flush();
      return;
    }
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      void this.flush();
    }, this.flushDelayMs);
  }

  /** Writes everything added so far, without waiting for the batching delay (a stopping worker). */
  async drain(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    while (this.flushing || this.finished.length) await this.flush();
  }

  /** Writes finished attempts, many per write while earlier writes are in progress. */
  private flush(): Promise<void> {
    this.flushing ??= (async () => {
      while (this.finished.length) {
        const batch = this.finished.splice(0);
        try {
          await this.queue.finish(batch);
        } catch (err) {
          // Their claims expire and they are sent again: at least once.
          this.logger.error({ err, count: batch.length }, 'recording delivery attempts failed');
        }
      }
    })().finally(() => {
      this.flushing = undefined;
      if (this.finished.length) void this.flush();
    });
    return this.flushing;
  }
}
