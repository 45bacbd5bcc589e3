import type { Kysely } from 'kysely';

// A rotated refresh token keeps its successor sealed with a key only the token itself yields, so
// a client presenting it again within the reuse interval gets the same successor (concurrent
// refreshes from several workers), while the database alone reveals nothing.
//
// The API rate limit counters, in rate-limiter-flexible's PostgreSQL layout (key, points, expire
// in ms), so every API process counts against one limit. SQLite has the table too (one schema for
// both engines) but counts in the memory of its one API process.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('oauth_tokens').addColumn('successor_sealed', 'text').execute();
  await db.schema
    .createTable('api_rate_limits')
    .addColumn('key', 'varchar(255)', (col) => col.primaryKey())
    .addColumn('points', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('expire', 'bigint')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('api_rate_limits').execute();
  await db.schema.alterTable('oauth_tokens').dropColumn('successor_sealed').execute();
}
