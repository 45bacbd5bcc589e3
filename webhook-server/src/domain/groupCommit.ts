import { CompiledQuery, SqliteAdapter, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema';
import { inTransaction, type Db } from './db';

/** At most this many units share a commit, so other queries wait at most one group for the connection. */
const MAX_GROUP = 64;

interface Unit {
  run: (trx: Transaction<Database>) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

interface Queue {
  pending: Unit[];
  scheduled: boolean;
}

const queues = new WeakMap<Kysely<Database>, Queue>();

const SAVEPOINT = CompiledQuery.raw('savepoint grouped_unit');
const RELEASE = CompiledQuery.raw('release grouped_unit');
const ROLLBACK_TO = CompiledQuery.raw('rollback to grouped_unit');

/**
 * Runs fn in a transaction as inTransaction does, but on SQLite shares that transaction (and its
 * commit) with the other units queued in the same turn of the event loop. SQLite has one writer and
 * this process one connection, so concurrent units ran one after another anyway; what a group saves
 * is a BEGIN and a COMMIT per unit, and the commit is most of a call report's SQLite time (it writes
 * every page the transaction changed to the log, and consecutive reports change the same pages).
 *
 * Each unit runs in a savepoint of its own, in the order queued: a unit sees what the units before
 * it applied (as it would after their commits), and a unit that throws is rolled back alone and
 * rejects with its own error. No unit resolves before the group's commit: if the commit fails,
 * every unit of the group rejects and none was applied. Durability is that of any commit.
 * On PostgreSQL (a pool, row locks) and inside a transaction it is inTransaction.
 */
export function inGroupedTransaction<T>(db: Db, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  if (db.isTransaction || !(db.getExecutor().adapter instanceof SqliteAdapter)) return inTransaction(db, fn);
  const root = db as Kysely<Database>;
  let queue = queues.get(root);
  if (!queue) {
    queue = { pending: [], scheduled: false };
    queues.set(root, queue);
  }
  const queued = queue;
  return new Promise<T>((resolve, reject) => {
    queued.pending.push({ run: fn, resolve: resolve as (value: unknown) => void, reject });
    if (queued.scheduled) return;
    queued.scheduled = true;
    // After the poll phase: every request read in this turn has queued its unit by then.
    setImmediate(() => void runGroups(root, queued));
  });
}

async function runGroups(db: Kysely<Database>, queue: Queue): Promise<void> {
  try {
    while (queue.pending.length > 0) await runGroup(db, queue.pending.splice(0, MAX_GROUP));
  } finally {
    queue.scheduled = false;
  }
}

async function runGroup(db: Kysely<Database>, group: Unit[]): Promise<void> {
  const outcomes: Array<{ ok: true; value: unknown } | { ok: false; err: unknown }> = [];
  try {
    await inTransaction(db, async (trx) => {
      for (const unit of group) {
        await trx.executeQuery(SAVEPOINT);
        try {
          const value = await unit.run(trx);
          await trx.executeQuery(RELEASE);
          outcomes.push({ ok: true, value });
        } catch (err) {
          // If SQLite already ended the transaction (a full disk, an I/O error), this throws and
          // the whole group fails below: nothing of it was committed.
          await trx.executeQuery(ROLLBACK_TO);
          await trx.executeQuery(RELEASE);
          outcomes.push({ ok: false, err });
        }
      }
    });
  } catch (err) {
    for (const unit of group) unit.reject(err);
    return;
  }
  group.forEach((unit, index) => {
    const outcome = outcomes[index]!;
    if (outcome.ok) unit.resolve(outcome.value);
    else unit.reject(outcome.err);
  });
}
