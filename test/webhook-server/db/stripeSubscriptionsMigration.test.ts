import type Stripe from 'stripe';
import { testEngines, freshStorage, type TestStorage } from '../../support/engines';
import { TestClock } from '../../support/clock';
import { migrateTo } from '../../support/migrateTo';
import { PRICES, stripeEvent, subscriptionObject } from '../../support/stripe';
import { applyStripeEvent } from '../../../webhook-server/src/billing/stripeEvents';
import { createAccount, getAccountRow } from '../../../webhook-server/src/domain/accounts';

describe.each(testEngines())('migration 006_stripe_subscriptions on %s', (engine) => {
  let store: TestStorage;

  beforeAll(async () => {
    store = await freshStorage(engine);
  });
  afterAll(() => store.destroy());

  test('when an account was on a subscription before the migration, then it is carried over and keeps serving', async () => {
    const db = store.storage.db;
    const clock = new TestClock('2026-02-01T10:00:00.000Z');
    const { id } = await createAccount(db, clock, {
      companyName: 'Paying Co',
      adminName: 'Pat',
      adminEmail: 'pat@example.com',
      password: 'long-enough-password',
      planId: 'pro',
    });
    // Back to the schema before per-subscription rows existed, as a deployed server would have it.
    expect(await migrateTo(store, '005_period_anchor')).toBeUndefined();
    const now = clock.now().toISOString();
    await db
      .insertInto('billing_accounts')
      .values({
        account_id: id,
        customer_id: 'cus_paying',
        subscription_id: 'sub_before',
        subscription_status: 'active',
        subscription_event_created: 1_700_000_000,
        created_at: now,
        updated_at: now,
      })
      .execute();
    expect(await migrateTo(store)).toBeUndefined();

    const row = await db
      .selectFrom('stripe_subscriptions')
      .select(['id', 'account_id', 'status', 'plan_id', 'created', 'last_event_created', 'ended_at'])
      .executeTakeFirstOrThrow();
    expect(row).toStrictEqual({
      id: 'sub_before',
      account_id: id,
      status: 'active',
      plan_id: 'pro',
      created: 1_700_000_000,
      last_event_created: 1_700_000_000,
      ended_at: null,
    });

    // A failed checkout of another subscription must not find "nothing serving" and drop to free.
    const expired = stripeEvent(
      'customer.subscription.updated',
      subscriptionObject({
        id: 'sub_failed',
        customer: 'cus_paying',
        price: PRICES.starter,
        status: 'incomplete_expired',
        created: 1_700_000_500,
      }),
      1_700_000_600,
    ) as unknown as Stripe.Event;
    await applyStripeEvent(db, clock, PRICES, expired);
    expect((await getAccountRow(db, id)).plan_id).toBe('pro');
  });
});
