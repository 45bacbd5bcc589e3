import { latestEvents } from '../../../webhook-server/src/domain/events';
import { applyLedgerEntry } from '../../../webhook-server/src/domain/usage';
import { testEngines } from '../../support/engines';
import { api, createTenant, startTestServer, type Tenant, type TestServer } from '../../support/server';
import {
  PRICES,
  STRIPE_ENV,
  deliverStripeEvent,
  stripeEvent,
  subscriptionObject,
} from '../../support/stripe';

describe.each(testEngines())('Stripe webhooks on %s', (engine) => {
  let server: TestServer;
  const now = () => Math.floor(server.clock.now().getTime() / 1000);

  beforeAll(async () => {
    server = await startTestServer(engine, STRIPE_ENV);
  });
  afterAll(() => server.stop());

  const planOf = async (t: Tenant) =>
    (await api(server, 'GET', '/v1/api/account', { apiKey: t.apiKey })).body.planId;
  const planEvents = (t: Tenant) => latestEvents(server.context.storage.db, t.account.id, 'plan_changed', 10);
  const usage = async (t: Tenant) => (await api(server, 'GET', '/v1/api/usage', { apiKey: t.apiKey })).body;
  const subscriptionEvent = (
    t: Tenant,
    type: string,
    created: number,
    opts: { id?: string; price?: string; status?: string; subscriptionCreated?: number } = {},
  ) =>
    stripeEvent(
      `customer.subscription.${type}`,
      subscriptionObject({
        id: opts.id ?? `sub_${t.account.id}`,
        customer: `cus_${t.account.id}`,
        price: opts.price ?? PRICES.pro,
        status: opts.status,
        accountId: t.account.id,
        created: opts.subscriptionCreated ?? created,
      }),
      created,
    );

  test('when the signature is wrong, then 400 and nothing changes', async () => {
    const tenant = await createTenant(server, 'free');
    const event = subscriptionEvent(tenant, 'created', now());
    const res = await deliverStripeEvent(server, event, 'whsec_someone_else');
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('Stripe-Signature');
    expect(await planOf(tenant)).toBe('free');
    const stored = await server.context.storage.db
      .selectFrom('stripe_events')
      .select('id')
      .where('id', '=', event.id)
      .execute();
    expect(stored).toEqual([]);
  });

  test('when the body was altered after signing, then 400', async () => {
    const tenant = await createTenant(server, 'free');
    const event = subscriptionEvent(tenant, 'created', now());
    const { default: Stripe } = await import('stripe');
    const payload = JSON.stringify(event);
    const header = Stripe.webhooks.generateTestHeaderString({
      payload,
      secret: STRIPE_ENV.STRIPE_WEBHOOK_SECRET,
    });
    const res = await api(server, 'POST', '/webhooks/stripe', {
      rawBody: payload.replace(PRICES.pro, PRICES.enterprise),
      headers: { 'stripe-signature': header },
    });
    expect(res.status).toBe(400);
    expect(await planOf(tenant)).toBe('free');
  });

  test('when a subscription is created, then the plan changes once and plan_changed says upgrade, however often the event arrives', async () => {
    const tenant = await createTenant(server, 'free');
    const event = subscriptionEvent(tenant, 'created', now());
    const first = await deliverStripeEvent(server, event);
    const second = await deliverStripeEvent(server, event);
    expect(first.body).toMatchObject({ received: true, applied: true });
    expect(second.body).toMatchObject({ received: true, applied: false });
    expect(await planOf(tenant)).toBe('pro');
    const events = await planEvents(tenant);
    expect(events).toHaveLength(1);
    expect(events[0]?.data).toMatchObject({
      previousPlan: { id: 'free' },
      plan: { id: 'pro' },
      direction: 'upgrade',
    });
  });

  test('when subscription updates arrive out of order, then the older one does not overwrite the newer plan', async () => {
    const tenant = await createTenant(server, 'free');
    const t = now();
    await deliverStripeEvent(
      server,
      subscriptionEvent(tenant, 'updated', t + 20, { price: PRICES.enterprise }),
    );
    const late = await deliverStripeEvent(
      server,
      subscriptionEvent(tenant, 'updated', t + 10, { price: PRICES.starter }),
    );
    expect(late.status).toBe(200);
    expect(late.body.outcome).toMatch(/older/);
    expect(await planOf(tenant)).toBe('enterprise');
    expect(await planEvents(tenant)).toHaveLength(1);
  });

  test('when the subscription is deleted, then the account returns to free with direction cancel, and a late update does not revive it', async () => {
    const tenant = await createTenant(server, 'free');
    const t = now();
    await deliverStripeEvent(server, subscriptionEvent(tenant, 'created', t));
    await deliverStripeEvent(server, subscriptionEvent(tenant, 'deleted', t + 5, { status: 'canceled' }));
    await deliverStripeEvent(server, subscriptionEvent(tenant, 'updated', t + 5, { status: 'active' }));
    await deliverStripeEvent(server, subscriptionEvent(tenant, 'updated', t + 1, { status: 'active' }));
    expect(await planOf(tenant)).toBe('free');
    const [latest] = await planEvents(tenant);
    expect(latest?.data).toMatchObject({
      previousPlan: { id: 'pro' },
      plan: { id: 'free' },
      direction: 'cancel',
    });
  });

  test('when a replaced subscription is deleted, then the plan of the current one stays', async () => {
    const tenant = await createTenant(server, 'free');
    const t = now();
    await deliverStripeEvent(server, subscriptionEvent(tenant, 'created', t, { id: 'sub_old_x' }));
    await deliverStripeEvent(
      server,
      subscriptionEvent(tenant, 'created', t + 2, { id: 'sub_new_x', price: PRICES.starter }),
    );
    const res = await deliverStripeEvent(
      server,
      subscriptionEvent(tenant, 'deleted', t + 3, { id: 'sub_old_x', status: 'canceled' }),
    );
    expect(res.body.outcome).toMatch(/replaced/);
    expect(await planOf(tenant)).toBe('starter');
  });

  test('when a newer update of another subscription does not serve, then the current plan and subscription stay', async () => {
    const tenant = await createTenant(server, 'free');
    const t = now();
    await deliverStripeEvent(server, subscriptionEvent(tenant, 'created', t, { id: 'sub_a_expired' }));
    const res = await deliverStripeEvent(
      server,
      subscriptionEvent(tenant, 'updated', t + 10, { id: 'sub_b_expired', status: 'incomplete_expired' }),
    );
    expect(res.status).toBe(200);
    expect(res.body.outcome).toMatch(
      /^recorded: incomplete_expired subscription; the account's current one is sub_a_expired/,
    );
    expect(await planOf(tenant)).toBe('pro');
    const billing = await server.context.storage.db
      .selectFrom('billing_accounts')
      .select('subscription_id')
      .where('account_id', '=', tenant.account.id)
      .executeTakeFirstOrThrow();
    expect(billing.subscription_id).toBe('sub_a_expired');
  });

  test('when a new serving subscription has an older event time than the old one, then it replaces it and the old deletion changes nothing', async () => {
    const tenant = await createTenant(server, 'free');
    const t = now();
    await deliverStripeEvent(
      server,
      subscriptionEvent(tenant, 'updated', t + 100, { id: 'sub_a_clock', subscriptionCreated: t }),
    );
    const created = await deliverStripeEvent(
      server,
      subscriptionEvent(tenant, 'created', t + 90, { id: 'sub_b_clock', price: PRICES.starter }),
    );
    expect(created.body.outcome).toBe('applied: plan starter');
    expect(await planOf(tenant)).toBe('starter');
    const deleted = await deliverStripeEvent(
      server,
      subscriptionEvent(tenant, 'deleted', t + 110, { id: 'sub_a_clock', status: 'canceled' }),
    );
    expect(deleted.body.outcome).toMatch(/replaced/);
    expect(await planOf(tenant)).toBe('starter');
  });

  test('when a replaced subscription reports late that it is active, then the newer subscription keeps the plan until it ends itself', async () => {
    const tenant = await createTenant(server, 'free');
    const t = now();
    const a = { id: 'sub_a_late', price: PRICES.pro, subscriptionCreated: t };
    const b = { id: 'sub_b_late', price: PRICES.starter, subscriptionCreated: t + 30 };
    await deliverStripeEvent(server, subscriptionEvent(tenant, 'created', t, a));
    await deliverStripeEvent(server, subscriptionEvent(tenant, 'created', t + 30, b));
    expect(await planOf(tenant)).toBe('starter');

    const late = await deliverStripeEvent(server, subscriptionEvent(tenant, 'updated', t + 40, a));
    expect(late.status).toBe(200);
    expect(await planOf(tenant)).toBe('starter');
    const billing = () =>
      server.context.storage.db
        .selectFrom('billing_accounts')
        .select('subscription_id')
        .where('account_id', '=', tenant.account.id)
        .executeTakeFirstOrThrow();
    expect((await billing()).subscription_id).toBe('sub_b_late');

    await deliverStripeEvent(
      server,
      subscriptionEvent(tenant, 'deleted', t + 50, { ...a, status: 'canceled' }),
    );
    expect(await planOf(tenant)).toBe('starter');

    await deliverStripeEvent(
      server,
      subscriptionEvent(tenant, 'deleted', t + 60, { ...b, status: 'canceled' }),
    );
    expect(await planOf(tenant)).toBe('free');
    const changes = (await planEvents(tenant)).map(
      (e) => e.data as { plan: { id: string }; direction: string },
    );
    // Newest first: free → pro → starter → free, one plan_changed per real change.
    expect(changes.map((c) => [c.plan.id, c.direction])).toEqual([
      ['free', 'cancel'],
      ['starter', 'downgrade'],
      ['pro', 'upgrade'],
    ]);
  });

  test('when an older update of one subscription arrives after a newer one, then it is ignored even after another subscription took over', async () => {
    const tenant = await createTenant(server, 'free');
    const t = now();
    const a = { id: 'sub_a_order', subscriptionCreated: t };
    await deliverStripeEvent(server, subscriptionEvent(tenant, 'created', t, a));
    const newer = await deliverStripeEvent(
      server,
      subscriptionEvent(tenant, 'updated', t + 20, { ...a, status: 'unpaid' }),
    );
    expect(newer.body.outcome).toBe('applied: plan free');
    await deliverStripeEvent(
      server,
      subscriptionEvent(tenant, 'created', t + 30, { id: 'sub_b_order', price: PRICES.starter }),
    );
    expect(await planOf(tenant)).toBe('starter');

    const older = await deliverStripeEvent(server, subscriptionEvent(tenant, 'updated', t + 10, a));
    expect(older.status).toBe(200);
    expect(older.body.outcome).toMatch(/^ignored: older/);
    expect(await planOf(tenant)).toBe('starter');
    expect(await planEvents(tenant)).toHaveLength(3);
  });

  test('when the subscription has a price no plan uses, then it is acknowledged and nothing changes', async () => {
    const tenant = await createTenant(server, 'free');
    const res = await deliverStripeEvent(
      server,
      subscriptionEvent(tenant, 'created', now(), { price: 'price_unknown' }),
    );
    expect(res.status).toBe(200);
    expect(await planOf(tenant)).toBe('free');
  });

  test('when an invoice for a new period is paid, then used time resets once and unspent purchased time carries over', async () => {
    const tenant = await createTenant(server, 'starter');
    const db = server.context.storage.db;
    await applyLedgerEntry(db, server.clock, {
      accountId: tenant.account.id,
      kind: 'purchase',
      seconds: 1000 * 60,
      reference: `pur_test_${tenant.account.id}`,
    });
    await applyLedgerEntry(db, server.clock, {
      accountId: tenant.account.id,
      kind: 'call',
      seconds: 600 * 60,
      reference: `call_a_${tenant.account.id}`,
    });
    expect((await usage(tenant)).usedMinutes).toBe(600);

    server.clock.advance(3 * 24 * 3600 * 1000);
    const start = now();
    const end = start + 30 * 24 * 3600;
    const invoice = (id: string, periodStart: number, periodEnd: number) =>
      stripeEvent(
        'invoice.paid',
        {
          id,
          object: 'invoice',
          customer: `cus_${tenant.account.id}`,
          billing_reason: 'subscription_cycle',
          parent: {
            type: 'subscription_details',
            subscription_details: { subscription: 'sub_x', metadata: { accountId: tenant.account.id } },
          },
          lines: {
            object: 'list',
            data: [{ id: 'il_1', object: 'line_item', period: { start: periodStart, end: periodEnd } }],
          },
        },
        periodStart,
      );
    const paid = invoice('in_1', start, end);
    expect((await deliverStripeEvent(server, paid)).body.outcome).toBe('applied: new period started');

    const after = await usage(tenant);
    expect(after).toMatchObject({
      periodStart: new Date(start * 1000).toISOString(),
      periodEnd: new Date(end * 1000).toISOString(),
      usedMinutes: 0,
      includedMinutes: 500,
      extraMinutes: 900, // 1000 bought, 100 of them spent beyond the 500 included
    });

    await applyLedgerEntry(db, server.clock, {
      accountId: tenant.account.id,
      kind: 'call',
      seconds: 60,
      reference: `call_b_${tenant.account.id}`,
    });
    await deliverStripeEvent(server, paid);
    await deliverStripeEvent(server, invoice('in_1_copy', start, end));
    await deliverStripeEvent(server, invoice('in_0', start - 30 * 24 * 3600, start));
    expect((await usage(tenant)).usedMinutes).toBe(1);
  });

  test('when a proration invoice is paid, then no new period starts', async () => {
    const tenant = await createTenant(server, 'starter');
    const res = await deliverStripeEvent(
      server,
      stripeEvent(
        'invoice.paid',
        {
          id: 'in_prorate',
          object: 'invoice',
          customer: `cus_none`,
          billing_reason: 'subscription_update',
          parent: {
            type: 'subscription_details',
            subscription_details: { subscription: 'sub_y', metadata: { accountId: tenant.account.id } },
          },
          lines: { object: 'list', data: [] },
        },
        now(),
      ),
    );
    expect(res.body.outcome).toMatch(/opens no period/);
  });

  test('when an event type is not used, then it is acknowledged with 200', async () => {
    const res = await deliverStripeEvent(
      server,
      stripeEvent('customer.created', { id: 'cus_new', object: 'customer' }, now()),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      received: true,
      applied: true,
      outcome: expect.stringMatching(/^ignored/),
    });
  });

  test('when a subscription event names another account in metadata but the customer is linked, then the linked account is changed, not the named one', async () => {
    const owner = await createTenant(server, 'free');
    const victim = await createTenant(server, 'free');
    const t = now();
    await deliverStripeEvent(server, subscriptionEvent(owner, 'created', t, { id: 'sub_owner' }));
    const spoof = stripeEvent(
      'customer.subscription.updated',
      subscriptionObject({
        id: 'sub_owner',
        customer: `cus_${owner.account.id}`,
        price: PRICES.enterprise,
        accountId: victim.account.id,
        created: t,
      }),
      t + 1,
    );
    await deliverStripeEvent(server, spoof);
    expect(await planOf(owner)).toBe('enterprise');
    expect(await planOf(victim)).toBe('free');
  });
});
