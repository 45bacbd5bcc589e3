import type { Kysely } from 'kysely';

/*
 * Start a Call, end to end. Calls remember why they failed and the Idempotency-Key that queued
 * them (the calling platform receives it). A delivery with a call_id is the dispatch of that call
 * to the calling platform rather than an event for a hook subscription. The sandbox dialer keeps
 * each call's next step here, not in a timer, so a restart resumes a call where it was.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('calls').addColumn('failure_reason', 'text').execute();
  await db.schema.alterTable('calls').addColumn('idempotency_key', 'text').execute();
  await db.schema
    .createIndex('calls_account_created')
    .on('calls')
    .columns(['account_id', 'created_at', 'id'])
    .execute();

  await db.schema.alterTable('deliveries').addColumn('call_id', 'text').execute();

  await db.schema
    .createTable('sandbox_call_steps')
    .addColumn('call_id', 'text', (c) => c.primaryKey().references('calls.id').onDelete('cascade'))
    .addColumn('step', 'text', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('duration_seconds', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sandbox_call_steps_due').on('sandbox_call_steps').column('due_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sandbox_call_steps').execute();
  await db.schema.alterTable('deliveries').dropColumn('call_id').execute();
  await db.schema.dropIndex('calls_account_created').execute();
  await db.schema.alterTable('calls').dropColumn('idempotency_key').execute();
  await db.schema.alterTable('calls').dropColumn('failure_reason').execute();
}
