import { updateAccount } from '../../../webhook-server/src/domain/accounts';
import { api, createTenant, startTestServer, type Tenant, type TestServer } from '../../support/server';
import { testEngines } from '../../support/engines';

const GATEWAY = '/v1/api/events-gateway';
const PUBLIC_HOOK = 'https://93.184.215.14/hooks/catch/1';
const TRIGGERS =
  'minutes_low, plan_changed, account_updated, minutes_purchased, call_started, call_completed, message_received, message_sent';

describe.each(testEngines())('hooks API on %s', (engine) => {
  let server: TestServer;
  let tenant: Tenant;
  let other: Tenant;

  beforeAll(async () => {
    // Private targets are refused: this server runs as production would (no ATLAS_ALLOW_PRIVATE_HOOK_URLS).
    server = await startTestServer(engine, { DELIVERY_WORKER: 'false' });
  });
  beforeEach(async () => {
    tenant = await createTenant(server);
    other = await createTenant(server);
  });
  afterAll(() => server.stop());

  const subscribe = (who: Tenant, body: object) =>
    api(server, 'POST', `${GATEWAY}/trigger/subscribe`, { apiKey: who.apiKey, body });
  const subscriptionsOf = async (who: Tenant) =>
    (await api(server, 'GET', `${GATEWAY}/trigger/subscriptions`, { apiKey: who.apiKey })).body
      .data as Array<{
      id: string;
    }>;

  test('when a hook subscribes, then 201 returns the subscription with its signing secret', async () => {
    const res = await subscribe(tenant, {
      hookUrl: PUBLIC_HOOK,
      triggerName: 'call_completed',
      provider: 'zapier',
    });
    expect(res.status).toBe(201);
    expect(res.body).toStrictEqual({
      id: expect.stringMatching(/^sub_/),
      hookUrl: PUBLIC_HOOK,
      triggerName: 'call_completed',
      campaignId: '*',
      provider: 'zapier',
      thresholdMinutes: null,
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/=]{32}$/),
      createdAt: server.clock.now().toISOString(),
    });
    const { secret: _secret, ...withoutSecret } = res.body;
    expect(await subscriptionsOf(tenant)).toStrictEqual([withoutSecret]);
  });

  test('when the same hook subscribes again, then the existing subscription is returned with 200, not a duplicate', async () => {
    const first = await subscribe(tenant, { hookUrl: PUBLIC_HOOK, triggerName: 'call_started' });
    const again = await subscribe(tenant, {
      hookUrl: PUBLIC_HOOK,
      triggerName: 'call_started',
      campaignId: '*',
    });
    expect(again.status).toBe(200);
    expect(again.body).toStrictEqual(first.body);
    expect(await subscriptionsOf(tenant)).toHaveLength(1);
  });

  test('when minutes_low is subscribed without a threshold, then it defaults to 10% of the plan minutes', async () => {
    const res = await subscribe(tenant, { hookUrl: PUBLIC_HOOK, triggerName: 'minutes_low' });
    expect(res.body.thresholdMinutes).toBe(50); // starter: 500 included minutes
    const custom = await subscribe(tenant, {
      hookUrl: `${PUBLIC_HOOK}/2`,
      triggerName: 'minutes_low',
      thresholdMinutes: 120,
    });
    expect(custom.body.thresholdMinutes).toBe(120);
  });

  test.each([
    [
      'an unknown triggerName',
      { hookUrl: PUBLIC_HOOK, triggerName: 'call_exploded' },
      400,
      `triggerName must be one of: ${TRIGGERS}`,
    ],
    [
      'an http URL',
      { hookUrl: 'http://93.184.215.14/hook', triggerName: 'call_started' },
      400,
      'hookUrl must use https',
    ],
    [
      'not a URL',
      { hookUrl: 'hooks.example.com/x', triggerName: 'call_started' },
      400,
      'hookUrl must be a valid uri',
    ],
    [
      'a loopback target',
      { hookUrl: 'https://127.0.0.1/hook', triggerName: 'call_started' },
      400,
      'private address',
    ],
    [
      'a name resolving to loopback',
      { hookUrl: 'https://localhost/hook', triggerName: 'call_started' },
      400,
      'private address',
    ],
    [
      'a private target',
      { hookUrl: 'https://10.1.2.3/hook', triggerName: 'call_started' },
      400,
      'private address',
    ],
    [
      'the metadata address',
      { hookUrl: 'https://169.254.169.254/latest', triggerName: 'call_started' },
      400,
      'private address',
    ],
    [
      'a CGNAT target',
      { hookUrl: 'https://100.64.1.1/hook', triggerName: 'call_started' },
      400,
      'private address',
    ],
    [
      'an IPv6 unique-local target',
      { hookUrl: 'https://[fd00:ec2::254]/hook', triggerName: 'call_started' },
      400,
      'private address',
    ],
    [
      'an IPv4-mapped loopback',
      { hookUrl: 'https://[::ffff:127.0.0.1]/hook', triggerName: 'call_started' },
      400,
      'private address',
    ],
    ['a foreign campaignId', null, 422, 'No campaign'],
    [
      'thresholdMinutes on another trigger',
      { hookUrl: PUBLIC_HOOK, triggerName: 'call_started', thresholdMinutes: 5 },
      400,
      'minutes_low trigger only',
    ],
  ])(
    'when subscribing with %s, then a clear 4xx and nothing is stored',
    async (_case, body, code, message) => {
      const request = body ?? {
        hookUrl: PUBLIC_HOOK,
        triggerName: 'call_started',
        campaignId: other.campaign.id,
      };
      const res = await subscribe(tenant, request);
      expect(res.status).toBe(code);
      expect(res.body.message).toContain(message);
      expect(res.body.details?.length).toBeGreaterThan(0);
      expect(await subscriptionsOf(tenant)).toEqual([]);
    },
  );

  test('when unsubscribing by id or by Atlas’s {hookUrl, triggerName, campaignId, provider}, then the hook is gone', async () => {
    const byId = await subscribe(tenant, { hookUrl: PUBLIC_HOOK, triggerName: 'call_started' });
    await subscribe(tenant, {
      hookUrl: PUBLIC_HOOK,
      triggerName: 'call_completed',
      campaignId: tenant.campaign.id,
    });
    const first = await api(server, 'DELETE', `${GATEWAY}/trigger/unsubscribe`, {
      apiKey: tenant.apiKey,
      body: { id: byId.body.id },
    });
    expect(first).toMatchObject({ status: 200, body: {} });
    const second = await api(server, 'DELETE', `${GATEWAY}/trigger/unsubscribe`, {
      apiKey: tenant.apiKey,
      body: {
        hookUrl: PUBLIC_HOOK,
        triggerName: 'call_completed',
        campaignId: tenant.campaign.id,
        provider: 'zapier',
      },
    });
    expect(second).toMatchObject({ status: 200, body: {} });
    expect(await subscriptionsOf(tenant)).toEqual([]);
  });

  test('when there are no events yet, then sample returns the documented sample for this account', async () => {
    const res = await api(server, 'GET', `${GATEWAY}/trigger/sample?triggerName=minutes_low`, {
      apiKey: tenant.apiKey,
    });
    expect(res.status).toBe(200);
    expect(res.body).toStrictEqual([
      expect.objectContaining({ triggerName: 'minutes_low', accountId: tenant.account.id, campaignId: null }),
    ]);
  });

  test('when events exist, then sample returns the latest three, newest first, as delivered', async () => {
    for (const name of ['A', 'B', 'C', 'D']) {
      await updateAccount(server.context.storage.db, server.clock, tenant.account.id, { companyName: name });
    }
    const res = await api(server, 'GET', `${GATEWAY}/trigger/sample?triggerName=account_updated`, {
      apiKey: tenant.apiKey,
    });
    expect(
      res.body.map((e: { data: { account: { companyName: string } } }) => e.data.account.companyName),
    ).toEqual(['D', 'C', 'B']);
    const foreign = await api(server, 'GET', `${GATEWAY}/trigger/sample?triggerName=account_updated`, {
      apiKey: other.apiKey,
    });
    expect(foreign.body).toHaveLength(1);
    expect(foreign.body[0]).toMatchObject({
      accountId: other.account.id,
      id: 'evt_01JD7X2M6Q8K3V5T9W4Y1Z0EVT',
    });
  });

  test('when sample is asked for an unknown trigger, then 400 lists the valid ones', async () => {
    const res = await api(server, 'GET', `${GATEWAY}/trigger/sample?triggerName=nope`, {
      apiKey: tenant.apiKey,
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(`triggerName must be one of: ${TRIGGERS}.`);
  });

  test('when another account uses a subscription or delivery id, then it sees and changes nothing', async () => {
    const mine = await subscribe(tenant, { hookUrl: PUBLIC_HOOK, triggerName: 'account_updated' });
    await updateAccount(server.context.storage.db, server.clock, tenant.account.id, {
      companyName: 'Isolated',
    });
    const deliveries = await api(server, 'GET', `${GATEWAY}/deliveries`, { apiKey: tenant.apiKey });
    expect(deliveries.body.data).toHaveLength(1);
    const deliveryId = deliveries.body.data[0].id;

    expect(await subscriptionsOf(other)).toEqual([]);
    const theirs = await api(server, 'GET', `${GATEWAY}/deliveries?subscriptionId=${mine.body.id}`, {
      apiKey: other.apiKey,
    });
    expect(theirs.body.data).toEqual([]);
    const replay = await api(server, 'POST', `${GATEWAY}/deliveries/${deliveryId}/replay`, {
      apiKey: other.apiKey,
    });
    expect(replay.status).toBe(404);
    const unsubscribe = await api(server, 'DELETE', `${GATEWAY}/trigger/unsubscribe`, {
      apiKey: other.apiKey,
      body: { id: mine.body.id },
    });
    expect(unsubscribe.status).toBe(404);
    const byUrl = await api(server, 'DELETE', `${GATEWAY}/trigger/unsubscribe`, {
      apiKey: other.apiKey,
      body: { hookUrl: PUBLIC_HOOK, triggerName: 'account_updated' },
    });
    expect(byUrl.status).toBe(404);
    const sameHook = await subscribe(other, { hookUrl: PUBLIC_HOOK, triggerName: 'account_updated' });
    expect(sameHook.status).toBe(201);
    expect(sameHook.body.id).not.toBe(mine.body.id);
    expect(await subscriptionsOf(tenant)).toHaveLength(1);
  });

  test('when hooks endpoints are called without credentials, then 401', async () => {
    for (const [method, path] of [
      ['POST', '/trigger/subscribe'],
      ['DELETE', '/trigger/unsubscribe'],
      ['GET', '/trigger/subscriptions'],
      ['GET', '/trigger/sample?triggerName=minutes_low'],
      ['GET', '/deliveries'],
      ['POST', '/deliveries/dlv_01JD7X2M6Q8K3V5T9W4Y1Z0EVT/replay'],
    ] as const) {
      const body = method === 'GET' ? undefined : {};
      expect((await api(server, method, GATEWAY + path, { body })).status).toBe(401);
    }
  });

  test('when deliveries are filtered by an unknown status, then 400 names the valid ones', async () => {
    const res = await api(server, 'GET', `${GATEWAY}/deliveries?status=lost`, { apiKey: tenant.apiKey });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('status must be one of: pending, delivered, dead, cancelled.');
  });

  test('when /metrics is scraped, then delivery metrics are exposed', async () => {
    const res = await fetch(`${server.url}/metrics`);
    const text = await res.text();
    expect(text).toContain('atlas_deliveries_due');
    expect(text).toContain('atlas_delivery_attempt_duration_seconds');
    expect(text).toContain('atlas_delivery_attempts_total');
  });
});
