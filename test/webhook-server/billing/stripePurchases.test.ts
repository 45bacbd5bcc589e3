import nock from 'nock';
import { latestEvents } from '../../../webhook-server/src/domain/events';
import { testEngines } from '../../support/engines';
import { api, createTenant, startTestServer, type Tenant, type TestServer } from '../../support/server';
import {
  PRICES,
  STRIPE_ENV,
  allowLocalOnly,
  deliverStripeEvent,
  stripeEvent,
  stripeReply,
  type RecordedRequest,
} from '../../support/stripe';

describe.each(testEngines())('Stripe billing API on %s', (engine) => {
  let server: TestServer;
  let sent: RecordedRequest[];

  beforeAll(async () => {
    allowLocalOnly();
    server = await startTestServer(engine, STRIPE_ENV);
  });
  afterAll(async () => {
    nock.cleanAll();
    nock.enableNetConnect();
    await server.stop();
  });
  beforeEach(() => {
    sent = [];
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
  });

  const buy = (t: Tenant, key: string, blocks = 1) =>
    api(server, 'POST', '/v1/api/billing/extra-minutes', {
      apiKey: t.apiKey,
      body: { blocks },
      headers: { 'idempotency-key': key },
    });
  const usage = async (t: Tenant) => (await api(server, 'GET', '/v1/api/usage', { apiKey: t.apiKey })).body;
  const customerWithCard = (id: string, card: string | null) =>
    stripeReply(
      'get',
      `/v1/customers/${id}`,
      200,
      {
        id,
        object: 'customer',
        invoice_settings: { default_payment_method: card },
      },
      sent,
    );

  test('when a customer with a saved card buys 2 blocks, then one off-session PaymentIntent carries the namespaced key and the minutes are credited', async () => {
    const tenant = await createTenant(server, 'pro');
    stripeReply('post', '/v1/customers', 200, { id: 'cus_card', object: 'customer' }, sent);
    customerWithCard('cus_card', 'pm_saved');
    stripeReply(
      'post',
      '/v1/payment_intents',
      200,
      {
        id: 'pi_ok',
        object: 'payment_intent',
        status: 'succeeded',
      },
      sent,
    );

    const res = await buy(tenant, 'card-key', 2);

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      blocks: 2,
      minutes: 2000,
      amountCents: 2 * 8900,
      status: 'succeeded',
      livemode: false,
    });
    const [customer, , intent] = sent;
    expect(customer?.idempotencyKey).toBe(`atlas:${tenant.account.id}:customer`);
    expect(customer?.body['metadata[accountId]']).toBe(tenant.account.id);
    expect(intent?.idempotencyKey).toBe(`atlas:${tenant.account.id}:extra-minutes:card-key`);
    expect(intent?.body).toMatchObject({
      amount: '17800',
      currency: 'usd',
      customer: 'cus_card',
      payment_method: 'pm_saved',
      off_session: 'true',
      confirm: 'true',
      'metadata[accountId]': tenant.account.id,
      'metadata[purchaseId]': res.body.id,
    });
    expect((await usage(tenant)).extraMinutes).toBe(2000);

    // The customer is created once: the next purchase reuses it.
    customerWithCard('cus_card', 'pm_saved');
    stripeReply(
      'post',
      '/v1/payment_intents',
      200,
      { id: 'pi_ok2', object: 'payment_intent', status: 'succeeded' },
      sent,
    );
    expect((await buy(tenant, 'card-key-2')).status).toBe(201);
    expect(sent.filter((r) => r.path === '/v1/customers')).toHaveLength(1);
  });

  test('when two identical purchases race, then Stripe is charged once and both callers can learn the outcome', async () => {
    const tenant = await createTenant(server, 'pro');
    stripeReply('post', '/v1/customers', 200, { id: 'cus_race', object: 'customer' }, sent);
    customerWithCard('cus_race', 'pm_saved');
    nock('https://api.stripe.com')
      .post('/v1/payment_intents')
      .delay(150)
      .reply(200, (uri) => {
        sent.push({ path: uri, body: {}, idempotencyKey: undefined });
        return { id: 'pi_race', object: 'payment_intent', status: 'succeeded' };
      });

    const results = await Promise.all([buy(tenant, 'race'), buy(tenant, 'race')]);

    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(sent.filter((r) => r.path === '/v1/payment_intents')).toHaveLength(1);
    const retry = await buy(tenant, 'race');
    expect(retry.status).toBe(201);
    expect(retry.body).toStrictEqual(results.find((r) => r.status === 201)?.body);
    expect((await usage(tenant)).extraMinutes).toBe(1000);
  });

  test('when the card is declined, then 402 says why, nothing is credited, and a retry with the key replays without charging', async () => {
    const tenant = await createTenant(server, 'starter');
    stripeReply('post', '/v1/customers', 200, { id: 'cus_decl', object: 'customer' }, sent);
    customerWithCard('cus_decl', 'pm_saved');
    stripeReply(
      'post',
      '/v1/payment_intents',
      402,
      {
        error: {
          type: 'card_error',
          code: 'card_declined',
          decline_code: 'insufficient_funds',
          message: 'Your card has insufficient funds.',
          payment_intent: { id: 'pi_declined', object: 'payment_intent', status: 'requires_payment_method' },
        },
      },
      sent,
    );

    const res = await buy(tenant, 'declined-key');

    expect(res.status).toBe(402);
    expect(res.body).toMatchObject({
      statusCode: 402,
      message: expect.stringContaining('insufficient_funds'),
    });
    expect((await usage(tenant)).extraMinutes).toBe(0);
    const again = await buy(tenant, 'declined-key');
    expect(again.status).toBe(402);
    expect(sent.filter((r) => r.path === '/v1/payment_intents')).toHaveLength(1);
    expect(await latestEvents(server.context.storage.db, tenant.account.id, 'minutes_purchased', 1)).toEqual(
      [],
    );
  });

  test('when authentication is required, then 402 explains it and nothing is credited', async () => {
    const tenant = await createTenant(server, 'starter');
    stripeReply('post', '/v1/customers', 200, { id: 'cus_3ds', object: 'customer' }, sent);
    customerWithCard('cus_3ds', 'pm_saved');
    stripeReply(
      'post',
      '/v1/payment_intents',
      402,
      {
        error: { type: 'card_error', code: 'authentication_required', message: 'Authentication required.' },
      },
      sent,
    );
    const res = await buy(tenant, '3ds-key');
    expect(res.status).toBe(402);
    expect(res.body.message).toContain('confirm this payment');
    expect((await usage(tenant)).extraMinutes).toBe(0);
  });

  test('when a purchase that opened a Checkout session is resumed after a card was saved, then the card is not charged', async () => {
    const tenant = await createTenant(server, 'starter');
    stripeReply('post', '/v1/customers', 200, { id: 'cus_resume', object: 'customer' }, sent);
    customerWithCard('cus_resume', null);
    stripeReply(
      'post',
      '/v1/checkout/sessions',
      200,
      { id: 'cs_resume', object: 'checkout.session', url: 'https://checkout.stripe.com/c/pay/cs_resume' },
      sent,
    );
    expect((await buy(tenant, 'resume-key', 1)).status).toBe(202);

    // The first request failed after opening the session: the idempotency store released the key.
    await server.context.storage.db
      .deleteFrom('idempotency_keys')
      .where('account_id', '=', tenant.account.id)
      .where('idempotency_key', '=', 'resume-key')
      .execute();
    // Meanwhile the customer saved a card; a charge would now succeed.
    customerWithCard('cus_resume', 'pm_saved_later');
    stripeReply(
      'post',
      '/v1/payment_intents',
      200,
      { id: 'pi_second', object: 'payment_intent', status: 'succeeded' },
      sent,
    );

    const retry = await buy(tenant, 'resume-key', 1);
    expect(retry.status).toBe(202);
    expect(retry.body).toMatchObject({
      status: 'pending',
      checkoutUrl: 'https://checkout.stripe.com/c/pay/cs_resume',
    });
    expect(sent.filter((r) => r.path === '/v1/payment_intents')).toStrictEqual([]);
    expect((await usage(tenant)).extraMinutes).toBe(0);
    nock.cleanAll(); // the card lookup and charge above were offered and, rightly, never asked for
  });

  test('when there is no saved card, then a Checkout URL comes back and the minutes arrive once with the webhook, however often it is delivered', async () => {
    const tenant = await createTenant(server, 'starter');
    stripeReply('post', '/v1/customers', 200, { id: 'cus_nocard', object: 'customer' }, sent);
    customerWithCard('cus_nocard', null);
    stripeReply(
      'post',
      '/v1/checkout/sessions',
      200,
      {
        id: 'cs_pay',
        object: 'checkout.session',
        url: 'https://checkout.stripe.com/c/pay/cs_pay',
      },
      sent,
    );

    const res = await buy(tenant, 'checkout-key', 3);

    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      status: 'pending',
      checkoutUrl: 'https://checkout.stripe.com/c/pay/cs_pay',
      amountCents: 3 * 9900,
    });
    const session = sent.find((r) => r.path === '/v1/checkout/sessions');
    expect(session?.idempotencyKey).toBe(`atlas:${tenant.account.id}:extra-minutes-checkout:checkout-key`);
    expect(session?.body).toMatchObject({
      mode: 'payment',
      customer: 'cus_nocard',
      'line_items[0][quantity]': '3',
      'line_items[0][price_data][unit_amount]': '9900',
      'payment_intent_data[metadata][purchaseId]': res.body.id,
    });
    expect((await usage(tenant)).extraMinutes).toBe(0);

    const metadata = { accountId: tenant.account.id, purchaseId: res.body.id };
    const completed = stripeEvent(
      'checkout.session.completed',
      {
        id: 'cs_pay',
        object: 'checkout.session',
        mode: 'payment',
        payment_status: 'paid',
        amount_total: 29700,
        currency: 'usd',
        customer: 'cus_nocard',
        payment_intent: 'pi_checkout',
        metadata,
      },
      Math.floor(Date.now() / 1000),
    );
    expect((await deliverStripeEvent(server, completed)).body).toMatchObject({ applied: true });
    expect((await deliverStripeEvent(server, completed)).body).toMatchObject({ applied: false });
    const succeeded = stripeEvent(
      'payment_intent.succeeded',
      {
        id: 'pi_checkout',
        object: 'payment_intent',
        amount_received: 29700,
        currency: 'usd',
        metadata,
      },
      Math.floor(Date.now() / 1000),
    );
    expect((await deliverStripeEvent(server, succeeded)).status).toBe(200);

    expect((await usage(tenant)).extraMinutes).toBe(3000);
    expect(
      await latestEvents(server.context.storage.db, tenant.account.id, 'minutes_purchased', 5),
    ).toHaveLength(1);
  });

  test('when a paid event does not match the priced purchase, then nothing is credited', async () => {
    const tenant = await createTenant(server, 'starter');
    stripeReply('post', '/v1/customers', 200, { id: 'cus_mismatch', object: 'customer' }, sent);
    customerWithCard('cus_mismatch', null);
    stripeReply(
      'post',
      '/v1/checkout/sessions',
      200,
      { id: 'cs_m', object: 'checkout.session', url: 'https://checkout.stripe.com/c/pay/cs_m' },
      sent,
    );
    const res = await buy(tenant, 'mismatch-key');
    const cheap = stripeEvent(
      'payment_intent.succeeded',
      {
        id: 'pi_cheap',
        object: 'payment_intent',
        amount_received: 1,
        currency: 'usd',
        metadata: { accountId: tenant.account.id, purchaseId: res.body.id },
      },
      Math.floor(Date.now() / 1000),
    );
    expect((await deliverStripeEvent(server, cheap)).body.outcome).toMatch(/does not match/);
    expect((await usage(tenant)).extraMinutes).toBe(0);
  });

  test('when a free account chooses Pro, then a subscription Checkout for the Pro price is returned', async () => {
    const tenant = await createTenant(server, 'free');
    stripeReply('post', '/v1/customers', 200, { id: 'cus_sub', object: 'customer' }, sent);
    stripeReply(
      'post',
      '/v1/checkout/sessions',
      200,
      { id: 'cs_sub', object: 'checkout.session', url: 'https://checkout.stripe.com/c/pay/cs_sub' },
      sent,
    );
    const res = await api(server, 'POST', '/v1/api/billing/checkout', {
      apiKey: tenant.apiKey,
      body: { planId: 'pro' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toStrictEqual({ url: 'https://checkout.stripe.com/c/pay/cs_sub' });
    expect(sent[1]?.body).toMatchObject({
      mode: 'subscription',
      customer: 'cus_sub',
      client_reference_id: tenant.account.id,
      'line_items[0][price]': PRICES.pro,
      'subscription_data[metadata][accountId]': tenant.account.id,
    });
    expect((await api(server, 'GET', '/v1/api/account', { apiKey: tenant.apiKey })).body.planId).toBe('free');
  });

  test('when a paid account chooses a plan or opens the portal, then the customer portal URL is returned', async () => {
    const tenant = await createTenant(server, 'starter');
    stripeReply('post', '/v1/customers', 200, { id: 'cus_portal', object: 'customer' }, sent);
    stripeReply(
      'post',
      '/v1/billing_portal/sessions',
      200,
      { id: 'bps_1', object: 'billing_portal.session', url: 'https://billing.stripe.com/p/session/1' },
      sent,
      2,
    );
    const checkout = await api(server, 'POST', '/v1/api/billing/checkout', {
      apiKey: tenant.apiKey,
      body: { planId: 'pro' },
    });
    const portal = await api(server, 'POST', '/v1/api/billing/portal', { apiKey: tenant.apiKey });
    expect(checkout.body).toStrictEqual({ url: 'https://billing.stripe.com/p/session/1' });
    expect(portal.body).toStrictEqual({ url: 'https://billing.stripe.com/p/session/1' });
    expect(sent.filter((r) => r.path === '/v1/billing_portal/sessions').map((r) => r.body.customer)).toEqual([
      'cus_portal',
      'cus_portal',
    ]);
  });
});
