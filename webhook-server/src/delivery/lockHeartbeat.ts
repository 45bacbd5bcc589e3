import type { Logger } from 'pino';
import type { SqliteWorkerLock } from './workerLock';

/** The lock row's three operations (SqliteWorkerLock), so the heartbeat is tested without a database. */
export type WorkerLockLease = Pick<SqliteWorkerLock, 'acquire' | 'renew' | 'release'>;

export interface LockHeartbeatOptions {
  lock: WorkerLockLease;
  workerId: string;
  logger: Logger;
  /** Between heartbeats. */
  intervalMs: number;
  /** While another worker holds the lock, keep trying to take it over (else start() reports it refused). */
  waitForLock: boolean;
  /** Runs on taking the lock, before claiming may begin: the previous holder's claims are void. */
  onTaken: () => Promise<void>;
  /** The lock was taken over from a stopped or dead holder at a heartbeat: there may be work now. */
  onTakenOver: () => void;
  /** Another worker took the lock over: this one must stop claiming and drop what it holds unsent. */
  onLost: () => void;
}

/**
 * SQLite allows one claiming worker per database file. This keeps that worker's lease alive: it
 * acquires the lock at start, renews it while holding, takes it over while waiting (when the holder
 * stops or dies), and notices when another worker took it (a heartbeat came too late). Whether the
 * worker may claim is `holding`; the pump checks it before every claim and launch.
 */
export class LockHeartbeat {
  /** This worker holds the lock row (heartbeats renew it), from the moment it was acquired. */
  private ownsLock = false;
  /** ...and may claim: the previous holder's claims are void and the queue is open. */
  private holdingLock = false;
  private mayTakeOver: boolean;
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> | undefined;

  constructor(private readonly options: LockHeartbeatOptions) {
    this.mayTakeOver = options.waitForLock;
  }

  get holding(): boolean {
    return this.holdingLock;
  }

  /**
   * Takes the lock if free; 'waiting' when a live worker holds it and waitForLock is set (heartbeats
   * then try to take it over), 'refused' otherwise (no heartbeats start).
   */
  async start(): Promise<'held' | 'waiting' | 'refused'> {
    const acquired = await this.options.lock.acquire();
    if (!acquired && !this.options.waitForLock) return 'refused';
    // Heartbeats start before the queue opens (a database thread, slow on a busy machine), so the
    // lock taken here is renewed meanwhile and no other worker sees it stale.
    this.timer = setInterval(() => void this.beat(), this.options.intervalMs);
    this.timer.unref();
    if (!acquired) return 'waiting';
    this.ownsLock = true;
    try {
      await this.took();
    } catch (err) {
      // start() fails as a whole: no heartbeat goes on taking the lock for a worker that never started.
      clearInterval(this.timer);
      throw err;
    }
    return 'held';
  }

  /** Renews the lock while holding it; otherwise, when waiting for it, tries to take it. */
  beat(): Promise<void> {
    this.beating ??= (async () => {
      try {
        if (this.ownsLock) {
          if (!(await this.options.lock.renew())) this.lost();
        } else if (this.mayTakeOver && (await this.options.lock.acquire())) {
          this.ownsLock = true;
          await this.took();
          this.options.logger.info(
            { worker: this.options.workerId },
            'delivery worker took the SQLite worker lock over',
          );
          this.options.onTakenOver();
        }
      } catch (err) {
        this.options.logger.warn({ err }, 'delivery worker lock heartbeat failed; retrying');
      }
    })().finally(() => (this.beating = undefined));
    return this.beating;
  }

  /**
   * Another worker took over and released this one's claims: sending them would send twice. Called
   * by a heartbeat whose renewal was refused, and by the pump when a claim was refused.
   */
  lost(): void {
    if (!this.ownsLock) return;
    this.ownsLock = false;
    this.holdingLock = false;
    this.options.logger.error(
      { worker: this.options.workerId },
      'delivery worker lost the SQLite worker lock to another worker (its heartbeat came too late); it stopped claiming',
    );
    this.options.onLost();
  }

  /** The worker is stopping: a waiting one no longer takes over; a holding one keeps renewing until release(). */
  stopWaiting(): void {
    this.mayTakeOver = false;
  }

  /**
   * Stops the heartbeats and frees the lock if still held, so the next worker starts at once. Called
   * only once in-flight results are recorded: until then no other worker may take over and resend.
   */
  async release(): Promise<void> {
    this.mayTakeOver = false;
    clearInterval(this.timer);
    await this.beating;
    if (this.ownsLock) await this.options.lock.release();
    this.ownsLock = false;
    this.holdingLock = false;
  }

  /** Claiming begins only once the previous holder's claims are void. */
  private async took(): Promise<void> {
    try {
      await this.options.onTaken();
    } catch (err) {
      // Not taken: the next beat acquires again and retries voiding the previous claims.
      this.ownsLock = false;
      throw err;
    }
    // Lost meanwhile (a renewal refused while the queue opened): never claim.
    this.holdingLock = this.ownsLock;
  }
}
