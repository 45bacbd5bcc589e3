import {
  api,
  createTenant,
  startTestServer,
  TEST_SERVICE_TOKEN,
  type Tenant,
  type TestServer,
} from '../../support/server';
import { testEngines } from '../../support/engines';

const completed = (tenant: Tenant, callId: string, durationSeconds: number) => ({
  type: 'call_completed',
  callId,
  campaignId: tenant.campaign.id,
  phoneNumber: '+14155550123',
  customerName: 'Jordan Lee',
  durationSeconds,
  summary: 'Booked a cleaning.',
  occurredAt: '2026-11-20T14:06:15.000Z',
});

async function eventsOf(server: TestServer, accountId: string, triggerName: string) {
  const rows = await server.context.storage.db
    .selectFrom('events')
    .select('payload')
    .where('account_id', '=', accountId)
    .where('trigger_name', '=', triggerName)
    .orderBy('id')
    .execute();
  return rows.map((r) => JSON.parse(r.payload));
}

describe.each(testEngines())('platform reports on %s', (engine) => {
  let server: TestServer;
  let tenant: Tenant;
  const token = TEST_SERVICE_TOKEN;

  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  beforeEach(async () => {
    tenant = await createTenant(server);
  });
  afterAll(() => server.stop());

  const usage = async () => (await api(server, 'GET', '/v1/api/usage', { apiKey: tenant.apiKey })).body;

  test('when the service token is missing or wrong, then 401 and nothing is recorded', async () => {
    for (const credential of [{}, { token: 'x'.repeat(40) }, { apiKey: tenant.apiKey }]) {
      const res = await api(server, 'POST', '/v1/internal/call-events', {
        ...credential,
        body: completed(tenant, 'call-auth', 60),
      });
      expect(res.status).toBe(401);
    }
    expect((await usage()).usedSeconds).toBe(0);
  });

  test('when a call completes, then its duration is debited once however often it is reported', async () => {
    const first = await api(server, 'POST', '/v1/internal/call-events', {
      token,
      body: completed(tenant, 'call-1', 125),
    });
    expect(first.status).toBe(201);
    expect(first.body).toStrictEqual({ callId: 'call-1', applied: true });
    const repeats = await Promise.all(
      [1, 2, 3].map(() =>
        api(server, 'POST', '/v1/internal/call-events', { token, body: completed(tenant, 'call-1', 125) }),
      ),
    );
    expect(repeats.map((r) => r.status)).toStrictEqual([200, 200, 200]);
    expect(repeats.map((r) => r.body.applied)).toStrictEqual([false, false, false]);
    expect(await usage()).toMatchObject({
      usedSeconds: 125,
      usedMinutes: 3,
      remainingSeconds: 500 * 60 - 125,
      remainingMinutes: 497,
    });
    const events = await eventsOf(server, tenant.account.id, 'call_completed');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      triggerName: 'call_completed',
      campaignId: tenant.campaign.id,
      data: {
        callId: 'call-1',
        durationSeconds: 125,
        status: 'completed',
        summary: 'Booked a cleaning.',
        transcript: null,
      },
    });
  });

  test('when the first report of a call arrives several times at once, then it is applied exactly once', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        api(server, 'POST', '/v1/internal/call-events', { token, body: completed(tenant, 'call-race', 61) }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toStrictEqual([200, 200, 200, 200, 200, 201]);
    expect((await usage()).usedSeconds).toBe(61);
    expect(await eventsOf(server, tenant.account.id, 'call_completed')).toHaveLength(1);
  });

  test('when a call starts, then call_started is recorded once with the campaign', async () => {
    const body = {
      type: 'call_started',
      callId: 'call-2',
      campaignId: tenant.campaign.id,
      phoneNumber: '+14155550123',
      occurredAt: '2026-11-20T14:03:11.000Z',
    };
    expect((await api(server, 'POST', '/v1/internal/call-events', { token, body })).status).toBe(201);
    expect((await api(server, 'POST', '/v1/internal/call-events', { token, body })).status).toBe(200);
    const events = await eventsOf(server, tenant.account.id, 'call_started');
    expect(events.map((e) => e.data)).toStrictEqual([
      {
        callId: 'call-2',
        campaignId: tenant.campaign.id,
        phoneNumber: '+14155550123',
        customerName: null,
        startedAt: '2026-11-20T14:03:11.000Z',
      },
    ]);
  });

  test('when a callId reappears under another account’s campaign, then 409 and nothing is debited there', async () => {
    const other = await createTenant(server);
    await api(server, 'POST', '/v1/internal/call-events', { token, body: completed(tenant, 'call-3', 60) });
    const res = await api(server, 'POST', '/v1/internal/call-events', {
      token,
      body: completed(other, 'call-3', 60),
    });
    expect(res.status).toBe(409);
    expect((await api(server, 'GET', '/v1/api/usage', { apiKey: other.apiKey })).body.usedSeconds).toBe(0);
  });

  test.each([
    ['an unknown campaign', { campaignId: 'cmp_01M8EVWA2YQC4VMSZZY466NHB3' }, 422, 'campaignId'],
    ['a phone number that is not E.164', { phoneNumber: '415-555-0123' }, 400, 'phoneNumber'],
    ['a negative duration', { durationSeconds: -5 }, 400, 'durationSeconds'],
    ['an unknown type', { type: 'call_exploded' }, 400, 'type'],
    ['an unknown field', { cost: 3 }, 400, 'cost'],
    ['a bad timestamp', { occurredAt: 'yesterday' }, 400, 'occurredAt'],
  ])(
    'when a report has %s, then a 4xx names the field and nothing is debited',
    async (_name, change, status, field) => {
      const res = await api(server, 'POST', '/v1/internal/call-events', {
        token,
        body: { ...completed(tenant, 'call-bad', 60), ...change },
      });
      expect(res.status).toBe(status);
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
      expect((await usage()).usedSeconds).toBe(0);
      expect(await eventsOf(server, tenant.account.id, 'call_completed')).toHaveLength(0);
    },
  );

  test('when a message is reported twice, then one message event is recorded', async () => {
    const body = {
      type: 'message_received',
      messageId: 'msg-1',
      campaignId: tenant.campaign.id,
      phoneNumber: '+14155550123',
      body: 'Can we move it to 11?',
      occurredAt: '2026-11-20T15:00:00.000Z',
    };
    expect((await api(server, 'POST', '/v1/internal/message-events', { token, body })).status).toBe(201);
    expect((await api(server, 'POST', '/v1/internal/message-events', { token, body })).body).toStrictEqual({
      messageId: 'msg-1',
      applied: false,
    });
    const events = await eventsOf(server, tenant.account.id, 'message_received');
    expect(events.map((e) => e.data)).toStrictEqual([
      {
        messageId: 'msg-1',
        campaignId: tenant.campaign.id,
        phoneNumber: '+14155550123',
        customerName: null,
        channel: 'sms',
        body: 'Can we move it to 11?',
        occurredAt: '2026-11-20T15:00:00.000Z',
      },
    ]);
  });
});

describe('internal endpoints without a configured service token', () => {
  test('when ATLAS_SERVICE_TOKEN is unset, then 503 says how to enable them', async () => {
    const server = await startTestServer('sqlite', { ATLAS_SERVICE_TOKEN: '' });
    try {
      const res = await api(server, 'POST', '/v1/internal/call-events', { token: 'anything', body: {} });
      expect(res.status).toBe(503);
      expect(res.body.message).toMatch(/ATLAS_SERVICE_TOKEN/);
    } finally {
      await server.stop();
    }
  });
});
