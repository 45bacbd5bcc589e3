import { EventEmitter } from 'node:events';
import { PostgresAdapter, sql } from 'kysely';
import { afterCommit, type Db } from '../db';

/**
 * Tells delivery workers in this process that deliveries were committed, so they claim them at
 * once instead of at their next poll. Losing a signal only delays a delivery until that poll.
 */
const signals = new EventEmitter();
signals.setMaxListeners(0);

export function signalNewDeliveries(): void {
  signals.emit('new');
}

export function onNewDeliveries(listener: () => void): () => void {
  signals.on('new', listener);
  return () => signals.off('new', listener);
}

/** PostgreSQL channel that carries the same signal to workers in other processes. */
export const DELIVERY_CHANNEL = 'atlas_connect_deliveries';

/** Wakes workers once db's transaction commits: in this process, and on PostgreSQL in every process. */
export async function announceDeliveries(db: Db): Promise<void> {
  // PostgreSQL delivers a NOTIFY only when the transaction commits.
  if (db.getExecutor().adapter instanceof PostgresAdapter)
    await sql`SELECT pg_notify(${DELIVERY_CHANNEL}, '')`.execute(db);
  afterCommit(db, signalNewDeliveries);
}
