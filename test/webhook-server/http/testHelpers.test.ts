import { schemaFiles } from '../../../schemas/generated/registry';
import { testEngines } from '../../support/engines';
import { Receiver } from '../../support/receiver';
import { api, createTenant, startTestServer, type Tenant, type TestServer } from '../../support/server';

describe.each(testEngines())('test helpers on %s', (engine) => {
  let server: TestServer;
  let receiver: Receiver;
  let tenant: Tenant;

  beforeAll(async () => {
    server = await startTestServer(engine, { ATLAS_ALLOW_PRIVATE_HOOK_URLS: 'true' });
  });
  beforeEach(async () => {
    receiver = await Receiver.start();
    tenant = await createTenant(server);
  });
  afterEach(() => receiver.close());
  afterAll(() => server.stop());

  async function subscribe(triggerName: string, extra: object = {}) {
    const res = await api(server, 'POST', '/v1/api/events-gateway/trigger/subscribe', {
      apiKey: tenant.apiKey,
      body: { hookUrl: `${receiver.url}/hook`, triggerName, ...extra },
    });
    expect(res.status).toBe(201);
  }
  const deliveredEvents = () => receiver.requests.map((r) => JSON.parse(r.body)[0]);

  test('when a test message is reported, then message_received is recorded and delivered with sample values', async () => {
    await subscribe('message_received');

    const res = await api(server, 'POST', '/v1/api/test_helpers/message_events', {
      apiKey: tenant.apiKey,
      body: { type: 'message_received', body: 'Call me back tomorrow' },
    });

    expect(res.status).toBe(201);
    expect(res.body).toStrictEqual({ messageId: expect.stringMatching(/^msg_test_/), applied: true });
    await receiver.received(1);
    expect(deliveredEvents()[0]).toMatchObject({
      triggerName: 'message_received',
      accountId: tenant.account.id,
      campaignId: tenant.campaign.id,
      data: { messageId: res.body.messageId, phoneNumber: '+14155550100', body: 'Call me back tomorrow' },
    });
  });

  test("when a test message names another account's campaign, then 422 and nothing is recorded", async () => {
    await subscribe('message_sent');
    const other = await createTenant(server);

    const res = await api(server, 'POST', '/v1/api/test_helpers/message_events', {
      apiKey: tenant.apiKey,
      body: { type: 'message_sent', campaignId: other.campaign.id },
    });

    expect(res.status).toBe(422);
    expect(res.body.details).toStrictEqual([
      { field: 'campaignId', message: 'is not a campaign of this account' },
    ]);
    // No real message_sent event in either account: the sample is still the documented example.
    const example = (schemaFiles['events/message_sent.json'] as { examples: object[] }).examples[0]!;
    for (const who of [tenant, other]) {
      const sample = await api(
        server,
        'GET',
        '/v1/api/events-gateway/trigger/sample?triggerName=message_sent',
        {
          apiKey: who.apiKey,
        },
      );
      expect(sample.body).toStrictEqual([{ ...example, accountId: who.account.id }]);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receiver.requests).toHaveLength(0);
  });

  test('when usage is driven across an armed minutes_low threshold, then minutes_low fires once', async () => {
    await subscribe('minutes_low', { thresholdMinutes: 100 });

    const res = await api(server, 'POST', '/v1/api/test_helpers/usage/minutes_low', {
      apiKey: tenant.apiKey,
    });

    expect(res.status).toBe(200);
    expect(res.body.thresholdMinutes).toBe(100);
    expect(res.body.usage.remainingSeconds).toBe(100 * 60 - 1);
    await receiver.received(1);
    expect(deliveredEvents()[0]).toMatchObject({
      triggerName: 'minutes_low',
      data: { thresholdMinutes: 100, remainingMinutes: 99 },
    });

    const again = await api(server, 'POST', '/v1/api/test_helpers/usage/minutes_low', {
      apiKey: tenant.apiKey,
    });
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/No minutes_low subscription of this account is armed/);
    expect(receiver.requests).toHaveLength(1);
  });

  test('when no minutes_low subscription exists, then 409 says to subscribe one and no time is used', async () => {
    const res = await api(server, 'POST', '/v1/api/test_helpers/usage/minutes_low', {
      apiKey: tenant.apiKey,
    });
    expect(res.status).toBe(409);
    const usage = await api(server, 'GET', '/v1/api/usage', { apiKey: tenant.apiKey });
    expect(usage.body.usedSeconds).toBe(0);
  });
});

describe('test helpers in production', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('sqlite', {
      NODE_ENV: 'production',
      PUBLIC_BASE_URL: 'https://connect.atlas.test',
      OAUTH_FORM_SECRET: 'x'.repeat(32),
      BILLING_ADAPTER: 'sandbox',
      LOG_LEVEL: 'silent',
    });
  });
  afterAll(() => server.stop());

  test('when a test helper is called in production, then 404', async () => {
    const tenant = await createTenant(server);
    for (const path of ['/v1/api/test_helpers/message_events', '/v1/api/test_helpers/usage/minutes_low']) {
      const res = await api(server, 'POST', path, { apiKey: tenant.apiKey, body: { type: 'message_sent' } });
      expect(res.status).toBe(404);
    }
  });
});
