import { sql, type Kysely } from 'kysely';

// One row per Stripe subscription of an account, each ordered by its own event times, so a late
// event of a subscription that was replaced can never bring it back: the account's plan is derived
// from every subscription's latest state instead of from the last event that arrived.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('stripe_subscriptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('price_id', 'text')
    .addColumn('plan_id', 'text')
    .addColumn('created', 'bigint', (c) => c.notNull())
    .addColumn('last_event_created', 'bigint', (c) => c.notNull())
    .addColumn('ended_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('stripe_subscriptions_account')
    .on('stripe_subscriptions')
    .columns(['account_id', 'created'])
    .execute();

  // The one subscription each account knew of so far is carried over, or the first event of another
  // subscription would find no serving one and move a paying account to free. Its own `created` was
  // never stored: the time of its last event stands in (any newer subscription was created later).
  await sql`
    INSERT INTO stripe_subscriptions
      (id, account_id, status, price_id, plan_id, created, last_event_created, ended_at, updated_at)
    SELECT b.subscription_id, b.account_id, b.subscription_status, NULL,
      CASE WHEN b.subscription_status IN ('active', 'trialing', 'past_due') THEN a.plan_id END,
      b.subscription_event_created, b.subscription_event_created,
      CASE WHEN b.subscription_status IN ('canceled', 'incomplete_expired') THEN b.updated_at END,
      b.updated_at
    FROM billing_accounts b JOIN accounts a ON a.id = b.account_id
    WHERE b.subscription_id IS NOT NULL
      AND b.subscription_status IS NOT NULL
      AND b.subscription_event_created IS NOT NULL
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('stripe_subscriptions').execute();
}
