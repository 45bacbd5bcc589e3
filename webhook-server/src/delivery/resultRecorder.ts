import type { Logger } from 'pino';
import type { DeliveryQueue, FinishedAttempt } from './queue';

/** How long a finished attempt waits for others to share its write, unless told otherwise. */
const FLUSH_DELAY_MS = 5;
/** A batch this large is written at once instead of waiting. */
const FLUSH_BATCH = 200;

/**
 * Records finished attempts through DeliveryQueue.finish in batches: one write (one transaction or
 * statement) for many attempts. A result waits up to the batching delay for others to share its
 * write, or less once a full batch has gathered, and one write is in progress at a time: results
 * that finish meanwhile start a batch of their own, on their own delay. (It had written them as soon
 * as the write before was done, so under load batches were as small as a write was quick: about 20
 * results every 2–3 ms on PostgreSQL, ten times the writes the 20 ms delay was chosen for.) A crash
 * before a result is written only means a resend once its claim expires (at least once, never
 * lost), so a failed write is logged and dropped, not retried: its deliveries are sent again instead.
 */
export class ResultRecorder {
  private finished: FinishedAttempt[] = [];
  /** The write in progress. */
  private writing: Promise<void> | undefined;
  /** A batch came due while a write was in progress: write it as soon as that one is done. */
  private writeAgain = false;
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
      this.writeNow();
      return;
    }
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      this.writeNow();
    }, this.flushDelayMs);
  }

  /** Writes everything added so far, without waiting for the batching delay (a stopping worker). */
  async drain(): Promise<void> {
    while (this.writing || this.finished.length) {
      this.writeNow();
      await this.writing;
    }
  }

  /** Writes the batch gathered so far now, or as soon as the write in progress is done. */
  private writeNow(): void {
    if (this.writing) {
      this.writeAgain = true;
      return;
    }
    if (this.finished.length > 0) this.writing = this.write();
  }

  /**
   * Writes batches until none came due meanwhile. writeNow starts it with a batch, so it awaits
   * before its end clears `writing`, and that end runs in the same turn as the last check of
   * writeAgain: a batch due after that check starts a write of its own.
   */
  private async write(): Promise<void> {
    try {
      do {
        this.writeAgain = false;
        // This batch's delay is spent: results added from here on arm a new one (add) for the next write.
        if (this.flushTimer) clearTimeout(this.flushTimer);
        this.flushTimer = undefined;
        const batch = this.finished.splice(0);
        if (batch.length === 0) continue;
        try {
          await this.queue.finish(batch);
        } catch (err) {
          // Their claims expire and they are sent again: at least once.
          this.logger.error({ err, count: batch.length }, 'recording delivery attempts failed');
        }
      } while (this.writeAgain);
    } finally {
      this.writing = undefined;
    }
  }
}
