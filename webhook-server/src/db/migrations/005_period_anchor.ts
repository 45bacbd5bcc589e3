import { sql, type Kysely } from 'kysely';

// Calendar roll-overs count months from the day the period was anchored (account start or the
// payment provider's period start), not from the previous period's end: otherwise one short month
// (Jan 31 → Feb 28) would lower the day for good. Existing periods are anchored on their own
// start. The column stays nullable because SQLite cannot add a NOT NULL column without a default;
// the code falls back to period_start when it is null.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('usage_periods').addColumn('period_anchor', 'text').execute();
  await sql`UPDATE usage_periods SET period_anchor = period_start WHERE period_anchor IS NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('usage_periods').dropColumn('period_anchor').execute();
}
