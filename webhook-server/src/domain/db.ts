import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema';

/** Domain functions accept the database or a transaction, so callers compose them atomically. */
export type Db = Kysely<Database> | Transaction<Database>;

const afterCommitCallbacks = new WeakMap<Transaction<Database>, Array<() => void>>();

/**
 * Runs fn once the transaction db belongs to has committed (at once when db is not a transaction).
 * For wake-ups only: nothing may depend on it, since a transaction opened without inTransaction
 * never runs these callbacks.
 */
export function afterCommit(db: Db, fn: () => void): void {
  if (!db.isTransaction) {
    fn();
    return;
  }
  const trx = db as Transaction<Database>;
  const callbacks = afterCommitCallbacks.get(trx);
  if (callbacks) callbacks.push(fn);
  else afterCommitCallbacks.set(trx, [fn]);
}

/** Runs fn in a transaction unless db already is one. */
export async function inTransaction<T>(db: Db, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db as Transaction<Database>);
  let opened: Transaction<Database> | undefined;
  const result = await db.transaction().execute((trx) => {
    opened = trx;
    return fn(trx);
  });
  if (opened) for (const callback of afterCommitCallbacks.get(opened) ?? []) callback();
  return result;
}
