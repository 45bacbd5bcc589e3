import { latestEvents } from '../../../webhook-server/src/domain/events';
import { validatorFor } from '../../../webhook-server/src/http/validation';
import { testEngines } from '../../support/engines';
import { api, createTenant, startTestServer, type Tenant, type TestServer } from '../../support/server';

describe.each(testEngines())('sandbox billing through the HTTP API on %s', (engine) => {
  let server: TestServer;
  let tenant: Tenant;
  let other: Tenant;

  beforeAll(async () => {
    server = await startTestServer(engine);
    tenant = await createTenant(server, 'starter');
    other = await createTenant(server, 'starter');
  });
  afterAll(() => server.stop());

  const buy = (t: Tenant, key: string | undefined, body: unknown) =>
    api(server, 'POST', '/v1/api/billing/extra-minutes', {
      apiKey: t.apiKey,
      body,
      headers: key ? { 'idempotency-key': key } : {},
    });
  const usage = async (t: Tenant) => (await api(server, 'GET', '/v1/api/usage', { apiKey: t.apiKey })).body;

  test('when extra minutes are bought without an Idempotency-Key, then 400 names the header and nothing is credited', async () => {
    const res = await buy(tenant, undefined, { blocks: 1 });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([{ field: 'Idempotency-Key', message: 'is required' }]);
    expect((await usage(tenant)).extraMinutes).toBe(0);
  });

  test('when a starter account buys 2 blocks, then they are credited at the plan price and minutes_purchased is emitted', async () => {
    const res = await buy(tenant, 'buy-2-blocks', { blocks: 2 });
    expect(res.status).toBe(201);
    expect(res.body).toStrictEqual({
      id: expect.stringMatching(/^pur_/),
      blocks: 2,
      minutes: 2000,
      amountCents: 2 * 9900,
      currency: 'usd',
      status: 'succeeded',
      livemode: false,
      createdAt: expect.any(String),
    });
    expect(validatorFor('ExtraMinutesPurchase.json')(res.body)).toBe(true);
    const after = await usage(tenant);
    expect(after.extraMinutes).toBe(2000);
    const [event] = await latestEvents(server.context.storage.db, tenant.account.id, 'minutes_purchased', 5);
    expect(validatorFor('events/minutes_purchased.json')(event)).toBe(true);
    expect(event?.data).toStrictEqual({
      purchaseId: res.body.id,
      blocks: 2,
      minutes: 2000,
      amountCents: 19800,
      currency: 'usd',
      livemode: false,
      remainingMinutes: after.remainingMinutes,
    });
  });

  test('when the same key and body are sent again, then the stored answer is replayed and nothing is credited twice', async () => {
    const first = await buy(tenant, 'replay-key', { blocks: 1 });
    const extraAfterFirst = (await usage(tenant)).extraMinutes;
    const again = await buy(tenant, 'replay-key', { blocks: 1 });
    expect(again.status).toBe(first.status);
    expect(again.body).toStrictEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await usage(tenant)).extraMinutes).toBe(extraAfterFirst);
  });

  test('when the same key comes with another body, then 422 and nothing is credited', async () => {
    await buy(tenant, 'other-body-key', { blocks: 1 });
    const before = (await usage(tenant)).extraMinutes;
    const res = await buy(tenant, 'other-body-key', { blocks: 3 });
    expect(res.status).toBe(422);
    expect(res.body.message).toContain('different request');
    expect((await usage(tenant)).extraMinutes).toBe(before);
  });

  test('when five identical purchases race, then the minutes are credited once', async () => {
    const before = (await usage(tenant)).extraMinutes;
    const results = await Promise.all(
      Array.from({ length: 5 }, () => buy(tenant, 'race-key', { blocks: 1 })),
    );
    for (const res of results) expect([201, 409]).toContain(res.status);
    expect(results.some((res) => res.status === 201)).toBe(true);
    expect((await usage(tenant)).extraMinutes).toBe(before + 1000);
    const retried = await buy(tenant, 'race-key', { blocks: 1 });
    expect(retried.status).toBe(201);
  });

  test('when another account uses the same key, then it gets its own purchase and the first account is untouched', async () => {
    const mine = (await usage(tenant)).extraMinutes;
    const res = await buy(other, 'buy-2-blocks', { blocks: 1 });
    expect(res.status).toBe(201);
    expect(res.body.minutes).toBe(1000);
    expect((await usage(other)).extraMinutes).toBe(1000);
    expect((await usage(tenant)).extraMinutes).toBe(mine);
  });

  test('when a purchase is read back, then its owner sees it and another account gets 404', async () => {
    const bought = await buy(tenant, 'read-back', { blocks: 1 });
    expect(bought.status).toBe(201);
    const mine = await api(server, 'GET', `/v1/api/billing/extra-minutes/${bought.body.id}`, {
      apiKey: tenant.apiKey,
    });
    expect(mine.status).toBe(200);
    expect(mine.body).toStrictEqual(bought.body);
    const theirs = await api(server, 'GET', `/v1/api/billing/extra-minutes/${bought.body.id}`, {
      apiKey: other.apiKey,
    });
    expect(theirs.status).toBe(404);
    expect(theirs.body.message).not.toContain(String(bought.body.amountCents));
  });

  test('when a free account buys extra minutes, then 403 tells it to upgrade and nothing is stored', async () => {
    const free = await createTenant(server, 'free');
    const res = await buy(free, 'free-key', { blocks: 1 });
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/Upgrade/);
    expect((await usage(free)).extraMinutes).toBe(0);
  });

  test('when blocks is out of range, then 400 names blocks', async () => {
    const res = await buy(tenant, 'bad-blocks', { blocks: 0 });
    expect(res.status).toBe(400);
    expect(res.body.details[0].field).toBe('blocks');
  });

  test('when a free account chooses Pro, then the plan changes at once, plan_changed is emitted and the URL is the local sandbox page', async () => {
    const free = await createTenant(server, 'free');
    const res = await api(server, 'POST', '/v1/api/billing/checkout', {
      apiKey: free.apiKey,
      body: { planId: 'pro' },
    });
    expect(res.status).toBe(200);
    expect(res.body.url).toBe(`${server.context.config.publicBaseUrl}/billing/return?result=sandbox`);
    expect((await api(server, 'GET', '/v1/api/account', { apiKey: free.apiKey })).body.planId).toBe('pro');
    expect((await usage(free)).includedMinutes).toBe(2000);
    const [event] = await latestEvents(server.context.storage.db, free.account.id, 'plan_changed', 1);
    expect(event?.data).toMatchObject({
      previousPlan: { id: 'free' },
      plan: { id: 'pro' },
      direction: 'upgrade',
    });
    const { pathname, search } = new URL(res.body.url);
    const page = await fetch(server.url + pathname + search);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('no payment was taken');
  });

  test('when the chosen plan is the current one, then 409 says so', async () => {
    const res = await api(server, 'POST', '/v1/api/billing/checkout', {
      apiKey: tenant.apiKey,
      body: { planId: 'starter' },
    });
    expect(res.status).toBe(409);
    expect(res.body.details).toEqual([{ field: 'planId', message: 'is already the current plan (starter)' }]);
  });

  test('when the portal is asked for, then a URL comes back', async () => {
    const res = await api(server, 'POST', '/v1/api/billing/portal', { apiKey: tenant.apiKey });
    expect(res.status).toBe(200);
    expect(res.body.url).toMatch(/^http:\/\/localhost/);
  });

  test('when Stripe webhooks reach a sandbox server, then 503 explains how to enable them', async () => {
    const res = await api(server, 'POST', '/webhooks/stripe', {
      rawBody: '{}',
      headers: { 'stripe-signature': 'x' },
    });
    expect(res.status).toBe(503);
  });
});
