import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * Fewer writes per delivery on PostgreSQL, where each claim and each recorded result is a row
 * update that also writes an entry into every index of the table (BENCHMARKS.md, round 6):
 *
 * - The due index holds pending deliveries only (`WHERE status = 'pending'`): a delivered one
 *   leaves it instead of adding an entry, so the index stays the size of the backlog and a claim
 *   no longer steps over the entries of delivered rows.
 * - Pages of `deliveries` are filled to 70%, leaving room for a claim's new row version on its
 *   own page: a claim sets only unindexed columns (locked_until, locked_by), so PostgreSQL writes
 *   it as a heap-only update, with no index entry at all.
 * - `delivery_attempts` loses its foreign key to `deliveries`: checking it locked the delivery row
 *   once per attempt (a tenth of the database's time per delivery). Only the worker writes
 *   attempts, for a delivery it holds a claim on, and deliveries are never deleted on their own.
 *
 * SQLite keeps its schema: one writer, no index entries per row version, and its planner matches
 * a partial index only against literal values, not the bound parameters Kysely sends.
 *
 * Both engines: platform requests are looked up by call (a cancel withdraws the dispatch), which
 * scanned the table without an index.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('deliveries_call')
    .on('deliveries')
    .column('call_id')
    .where(sql.ref('call_id'), 'is not', null)
    .execute();
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await db.schema.dropIndex('deliveries_due').execute();
  await db.schema
    .createIndex('deliveries_due')
    .on('deliveries')
    .column('next_attempt_at')
    .where(sql.ref('status'), '=', sql.lit('pending'))
    .execute();
  await sql`ALTER TABLE deliveries SET (fillfactor = 70)`.execute(db);
  await sql`ALTER TABLE delivery_attempts DROP CONSTRAINT IF EXISTS delivery_attempts_delivery_id_fkey`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('deliveries_call').execute();
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`ALTER TABLE delivery_attempts ADD CONSTRAINT delivery_attempts_delivery_id_fkey
    FOREIGN KEY (delivery_id) REFERENCES deliveries (id) ON DELETE CASCADE`.execute(db);
  await sql`ALTER TABLE deliveries RESET (fillfactor)`.execute(db);
  await db.schema.dropIndex('deliveries_due').execute();
  await db.schema
    .createIndex('deliveries_due')
    .on('deliveries')
    .columns(['status', 'next_attempt_at'])
    .execute();
}
