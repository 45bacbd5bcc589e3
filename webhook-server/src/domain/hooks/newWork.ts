import { EventEmitter } from 'node:events';
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

/** PostgreSQL channel that carries the same signal to workers in other processes (pgAnnouncer.ts). */
export const DELIVERY_CHANNEL = 'atlas_connect_deliveries';

/**
 * Wakes workers once db's transaction commits: in this process, and on PostgreSQL in every process
 * (each storage on PostgreSQL sends a NOTIFY after such a commit, see pgAnnouncer.ts).
 */
export function announceDeliveries(db: Db): void {
  afterCommit(db, signalNewDeliveries);
}
