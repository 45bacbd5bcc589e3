import { sql, type Kysely } from 'kysely';

// A test event ("Send test event") is a real event row, so it goes through normal signed delivery
// and its attempts are recorded; the flag keeps it out of the trigger samples (performList).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('events')
    .addColumn('test', 'integer', (col) => col.notNull().defaultTo(sql`0`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('events').dropColumn('test').execute();
}
