import type { Kysely } from 'kysely';

// On SQLite one delivery worker per database may run: it holds this single row (id 1) and renews
// heartbeat_at. PostgreSQL runs many workers and never uses it; the table exists there too so both
// engines share one schema.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('delivery_worker_lock')
    .addColumn('id', 'integer', (col) => col.primaryKey())
    .addColumn('owner', 'text', (col) => col.notNull())
    .addColumn('heartbeat_at', 'text', (col) => col.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('delivery_worker_lock').execute();
}
