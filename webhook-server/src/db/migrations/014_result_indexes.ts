import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * Fewer index entries per recorded attempt on PostgreSQL (BENCHMARKS.md, round 9). A delivery's
 * result changes its status, so it is never a heap-only update: every index of `deliveries` whose
 * predicate the new row version meets gets an entry, and every index of `delivery_attempts` one
 * for the attempt row.
 *
 * - Deliveries are looked up by subscription only while pending (a removed subscription cancels
 *   its pending deliveries), so that index holds pending rows only, like the due index: a result
 *   that moves a delivery out of pending writes no entry into it. The deliveries list filtered by
 *   subscription reads the account's index (account_id, id) in id order and filters, as it does
 *   for the status and trigger filters.
 * - Attempts are only ever read by delivery (the deliveries list, hook health, stats): their key
 *   is (delivery_id, id), the one index that read uses, instead of a key on id beside it.
 *
 * SQLite keeps its schema: its planner matches a partial index only against literal values, not
 * the bound parameters Kysely sends, and its writes add no index entry per row version.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await db.schema.dropIndex('deliveries_subscription').execute();
  await db.schema
    .createIndex('deliveries_subscription')
    .on('deliveries')
    .column('subscription_id')
    .where(sql.ref('status'), '=', sql.lit('pending'))
    .execute();
  await sql`ALTER TABLE delivery_attempts DROP CONSTRAINT delivery_attempts_pkey`.execute(db);
  await db.schema.dropIndex('delivery_attempts_delivery').execute();
  await sql`ALTER TABLE delivery_attempts ADD CONSTRAINT delivery_attempts_pkey PRIMARY KEY (delivery_id, id)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`ALTER TABLE delivery_attempts DROP CONSTRAINT delivery_attempts_pkey`.execute(db);
  await sql`ALTER TABLE delivery_attempts ADD CONSTRAINT delivery_attempts_pkey PRIMARY KEY (id)`.execute(db);
  await db.schema
    .createIndex('delivery_attempts_delivery')
    .on('delivery_attempts')
    .columns(['delivery_id', 'id'])
    .execute();
  await db.schema.dropIndex('deliveries_subscription').execute();
  await db.schema
    .createIndex('deliveries_subscription')
    .on('deliveries')
    .columns(['subscription_id', 'status'])
    .execute();
}
