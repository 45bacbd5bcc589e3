import Stripe from 'stripe';
import { captureLogs, type CapturedLogs } from '../../support/capturedLogs';
import { testEngines } from '../../support/engines';
import { api, createTenant, startTestServer, type Tenant, type TestServer } from '../../support/server';
import {
  PRICES,
  STRIPE_ENV,
  STRIPE_WEBHOOK_SECRET,
  deliverStripeEvent,
  stripeEvent,
  subscriptionObject,
} from '../../support/stripe';

describe.each(testEngines())('signed but malformed Stripe events on %s', (engine) => {
  let server: TestServer;
  let tenant: Tenant;
  let logs: CapturedLogs;
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    logs = captureLogs();
    server = await startTestServer(engine, STRIPE_ENV, { logger: logs.logger });
    tenant = await createTenant(server, 'free');
  });
  afterAll(() => server.stop());

  const subscription = () =>
    subscriptionObject({
      id: `sub_${tenant.account.id}`,
      customer: `cus_${tenant.account.id}`,
      price: PRICES.pro,
      accountId: tenant.account.id,
      created: now(),
    });
  const storedEvents = () => server.context.storage.db.selectFrom('stripe_events').select('id').execute();
  const planOf = async () =>
    (await api(server, 'GET', '/v1/api/account', { apiKey: tenant.apiKey })).body.planId as string;

  test.each([
    [
      'data.object is null',
      () => stripeEvent('customer.subscription.created', {}, now()),
      'null',
      'data.object must be object',
    ],
    [
      'items is missing',
      () => {
        const { items: _items, ...rest } = subscription();
        return stripeEvent('customer.subscription.updated', rest, now());
      },
      undefined,
      "data.object must have required property 'items'",
    ],
    [
      'the event id is missing',
      () => {
        const { id: _id, ...rest } = stripeEvent('customer.subscription.created', subscription(), now());
        return rest;
      },
      undefined,
      "the event must have required property 'id'",
    ],
    [
      'a customer id holds NUL',
      () =>
        stripeEvent('customer.subscription.created', { ...subscription(), customer: 'cus_\u0000' }, now()),
      undefined,
      'data.object.customer must not contain NUL',
    ],
    [
      'an invoice line is not an object',
      () => stripeEvent('invoice.paid', { customer: 'cus_x', lines: { data: [null] } }, now()),
      undefined,
      'data.object.lines.data.0 must be object',
    ],
  ])(
    'when %s, then 200 acknowledges it as not applied, logs a warning and changes nothing',
    async (_what, build, objectValue, outcome) => {
      const event = build() as { data?: { object: unknown } };
      if (objectValue === 'null' && event.data) event.data.object = null;
      const before = await storedEvents();
      const res = await deliverStripeEvent(server, event);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ received: true, applied: false });
      expect(res.body.outcome).toContain(outcome);
      expect(await storedEvents()).toStrictEqual(before);
      expect(await planOf()).toBe('free');
      expect(logs.errors()).toStrictEqual([]);
      expect(logs.lines.some((line) => line.msg === 'stripe event not applicable' && line.level === 40)).toBe(
        true,
      );
    },
  );

  test.each([
    ['an hour in the future', 3600],
    ['an hour in the past', -3600],
  ])('when the signature is stamped %s, then 400 and nothing is applied', async (_when, offset) => {
    const event = stripeEvent('customer.subscription.created', subscription(), now());
    const payload = JSON.stringify(event);
    const header = Stripe.webhooks.generateTestHeaderString({
      payload,
      secret: STRIPE_WEBHOOK_SECRET,
      timestamp: now() + offset,
    });
    const res = await api(server, 'POST', '/webhooks/stripe', {
      rawBody: payload,
      headers: { 'stripe-signature': header },
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/future|too old/);
    expect(await planOf()).toBe('free');
  });

  test('when a well-formed event is stamped within the tolerance, then it is applied', async () => {
    const res = await deliverStripeEvent(
      server,
      stripeEvent('customer.subscription.created', subscription(), now()),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ applied: true, outcome: 'applied: plan pro' });
  });
});
