import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';

export const WORKER_LOCK_HELD_MESSAGE =
  'another delivery worker is running on this SQLite database; run only one, or use PostgreSQL';

/** `start()` found the SQLite worker lock held by a live worker. */
export class WorkerLockHeldError extends Error {
  constructor() {
    super(WORKER_LOCK_HELD_MESSAGE);
    this.name = 'WorkerLockHeldError';
  }
}

/** A claim was refused because another worker took the SQLite worker lock over. */
export class WorkerLockLostError extends Error {
  constructor() {
    super('this delivery worker no longer holds the SQLite worker lock');
    this.name = 'WorkerLockLostError';
  }
}

/**
 * The single-row lease a SQLite delivery worker holds to run (releasing a previous run's claims at
 * start is only safe when no other worker is sending them). Times are wall-clock, not the
 * injected Clock: the lease is about processes being alive, and a test clock moved forward by hours
 * must not make a live holder look dead. SQLite serialises writers, so each statement is atomic
 * across processes.
 */
export class SqliteWorkerLock {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly owner: string,
    private readonly staleMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes the lock if it is free, stale, or already ours; false while a live worker holds it. */
  async acquire(): Promise<boolean> {
    const now = this.now();
    const staleBefore = new Date(now - this.staleMs).toISOString();
    const row = await this.db
      .insertInto('delivery_worker_lock')
      .values({ id: 1, owner: this.owner, heartbeat_at: new Date(now).toISOString() })
      .onConflict((oc) =>
        oc
          .column('id')
          .doUpdateSet((eb) => ({
            owner: eb.ref('excluded.owner'),
            heartbeat_at: eb.ref('excluded.heartbeat_at'),
          }))
          .where((eb) =>
            eb.or([
              eb('delivery_worker_lock.heartbeat_at', '<', staleBefore),
              eb('delivery_worker_lock.owner', '=', this.owner),
            ]),
          ),
      )
      .returning('owner')
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Renews the heartbeat; false when another worker has taken the lock over. */
  async renew(): Promise<boolean> {
    const result = await this.db
      .updateTable('delivery_worker_lock')
      .set({ heartbeat_at: new Date(this.now()).toISOString() })
      .where('id', '=', 1)
      .where('owner', '=', this.owner)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Frees the lock (if still ours) so the next worker starts at once. */
  async release(): Promise<void> {
    await this.db
      .deleteFrom('delivery_worker_lock')
      .where('id', '=', 1)
      .where('owner', '=', this.owner)
      .execute();
  }
}
