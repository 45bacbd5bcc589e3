import type { Storage } from '../db/storage';
import type { Clock } from '../domain/clock';
import { openPgDeliveryQueue } from './pgQueue';
import type { DeliveryQueue } from './queue';
import { SqliteDeliveryQueue } from './sqliteDeliveryQueue';

/** The delivery queue of the storage's engine. */
export function openDeliveryQueue(
  storage: Storage,
  clock: Clock,
  workerId: string,
  /** SQLite: claim only while this worker holds the delivery worker lock. */
  options: { requireLock?: boolean } = {},
): DeliveryQueue {
  const { sqlite } = storage;
  if (sqlite) return new SqliteDeliveryQueue(storage, sqlite, clock, workerId, options.requireLock ?? false);
  return openPgDeliveryQueue(storage, clock, workerId);
}
