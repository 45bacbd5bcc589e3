import type { BillingAccountRow } from '../db/schema';
import { getAccountRow } from '../domain/accounts';
import type { Clock } from '../domain/clock';
import type { Db } from '../domain/db';
import type { BillingGateway } from './gateway';

export async function findBillingAccount(db: Db, accountId: string): Promise<BillingAccountRow | undefined> {
  return db.selectFrom('billing_accounts').selectAll().where('account_id', '=', accountId).executeTakeFirst();
}

/** The Atlas account a Stripe customer belongs to. */
export async function accountIdForCustomer(db: Db, customerId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('billing_accounts')
    .select('account_id')
    .where('customer_id', '=', customerId)
    .executeTakeFirst();
  return row?.account_id;
}

/** Makes sure the account has a billing row (the subscription state lives there). */
export async function ensureBillingAccount(db: Db, clock: Clock, accountId: string): Promise<void> {
  const now = clock.now().toISOString();
  await db
    .insertInto('billing_accounts')
    .values({
      account_id: accountId,
      customer_id: null,
      subscription_id: null,
      subscription_status: null,
      subscription_event_created: null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('account_id').doNothing())
    .execute();
}

/**
 * The account's provider customer, created on first need. Two concurrent first requests both ask
 * the provider with the same idempotency key (so it creates one customer) and the stored id is only
 * ever set while empty, so every caller ends up with the same customer.
 */
export async function ensureCustomer(
  db: Db,
  clock: Clock,
  gateway: BillingGateway,
  accountId: string,
): Promise<string> {
  const existing = await findBillingAccount(db, accountId);
  if (existing?.customer_id) return existing.customer_id;
  const account = await getAccountRow(db, accountId);
  const customerId = await gateway.createCustomer({
    accountId,
    email: account.admin_email,
    name: account.company_name,
  });
  await ensureBillingAccount(db, clock, accountId);
  await db
    .updateTable('billing_accounts')
    .set({ customer_id: customerId, updated_at: clock.now().toISOString() })
    .where('account_id', '=', accountId)
    .where('customer_id', 'is', null)
    .execute();
  const stored = await findBillingAccount(db, accountId);
  if (!stored?.customer_id) throw new Error(`Could not store the billing customer of ${accountId}`);
  return stored.customer_id;
}
