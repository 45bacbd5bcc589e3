import type { Kysely } from 'kysely';

// The GHL marketplace app: installed locations and their sealed tokens, install/uninstall
// webhook ids seen (replay guard), workflow-trigger subscriptions, and the GHL contact a call was
// started for (so its events reach that contact's workflows).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ghl_locations')
    .addColumn('location_id', 'text', (c) => c.primaryKey())
    .addColumn('company_id', 'text')
    // Null between the install and the admin's sign-in on the link page.
    .addColumn('account_id', 'text', (c) => c.references('accounts.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('access_token', 'text', (c) => c.notNull())
    .addColumn('refresh_token', 'text', (c) => c.notNull())
    .addColumn('access_expires_at', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('installed_at', 'text', (c) => c.notNull())
    .addColumn('linked_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ghl_locations_account').on('ghl_locations').column('account_id').execute();

  await db.schema
    .createTable('ghl_webhook_events')
    .addColumn('webhook_id', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('location_id', 'text')
    .addColumn('received_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('ghl_trigger_subscriptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subscription_id', 'text', (c) => c.notNull().unique())
    .addColumn('location_id', 'text', (c) => c.notNull())
    .addColumn('workflow_id', 'text')
    .addColumn('trigger_key', 'text', (c) => c.notNull())
    .addColumn('target_url', 'text', (c) => c.notNull())
    .addColumn('filters', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('ghl_trigger_subscriptions_location')
    .on('ghl_trigger_subscriptions')
    .column('location_id')
    .execute();

  await db.schema
    .createTable('ghl_calls')
    .addColumn('call_id', 'text', (c) => c.primaryKey())
    .addColumn('location_id', 'text', (c) => c.notNull())
    // Null when the action ran with a phone override and no contact.
    .addColumn('contact_id', 'text')
    .addColumn('workflow_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['ghl_calls', 'ghl_trigger_subscriptions', 'ghl_webhook_events', 'ghl_locations'])
    await db.schema.dropTable(table).execute();
}
