import type { Kysely } from 'kysely';

// A rotated refresh token keeps its successor sealed with a key only the token itself yields, so
// a client presenting it again within the reuse interval gets the same successor (concurrent
// refreshes from several workers), while the database alone reveals nothing.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('oauth_tokens').addColumn('successor_sealed', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('oauth_tokens').dropColumn('successor_sealed').execute();
}
