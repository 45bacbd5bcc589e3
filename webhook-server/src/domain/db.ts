import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema';

/** Domain functions accept the database or a transaction, so callers compose them atomically. */
export type Db = Kysely<Database> | Transaction<Database>;

/** Runs fn in a transaction unless db already is one. */
export function inTransaction<T>(db: Db, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db as Transaction<Database>);
  return db.transaction().execute(fn);
}
