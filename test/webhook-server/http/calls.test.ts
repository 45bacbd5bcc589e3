import { applyLedgerEntry } from '../../../webhook-server/src/domain/usage';
import { validatorFor } from '../../../webhook-server/src/http/validation';
import { testEngines } from '../../support/engines';
import { api, createTenant, startTestServer, type Tenant, type TestServer } from '../../support/server';

describe.each(testEngines())('Start a Call on %s', (engine) => {
  let server: TestServer;
  let tenant: Tenant;
  let other: Tenant;

  beforeAll(async () => {
    server = await startTestServer(engine);
    tenant = await createTenant(server, 'starter');
    other = await createTenant(server, 'starter');
  });
  afterAll(() => server.stop());

  const start = (t: Tenant, body: unknown, key?: string) =>
    api(server, 'POST', '/v1/api/calls', {
      apiKey: t.apiKey,
      body,
      headers: key ? { 'idempotency-key': key } : {},
    });
  const callCount = async (accountId: string) =>
    (
      await server.context.storage.db
        .selectFrom('calls')
        .select('id')
        .where('account_id', '=', accountId)
        .execute()
    ).length;

  test('when a call is started, then 201 returns it queued and GET shows it', async () => {
    const res = await start(tenant, {
      campaignId: tenant.campaign.id,
      phoneNumber: '+14155550123',
      customerName: 'Ada',
      parameters: { orderId: 'A-17' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toStrictEqual({
      id: expect.stringMatching(/^call_/),
      campaignId: tenant.campaign.id,
      phoneNumber: '+14155550123',
      customerName: 'Ada',
      status: 'queued',
      durationSeconds: null,
      summary: null,
      transcript: null,
      recordingUrl: null,
      failureReason: null,
      parameters: { orderId: 'A-17' },
      createdAt: server.clock.now().toISOString(),
      startedAt: null,
      completedAt: null,
    });
    expect(validatorFor('Call.json')(res.body)).toBe(true);
    const read = await api(server, 'GET', `/v1/api/calls/${res.body.id}`, { apiKey: tenant.apiKey });
    expect(read.status).toBe(200);
    // The sandbox dialer may have picked it up already.
    expect(read.body).toStrictEqual({ ...res.body, status: expect.stringMatching(/^(queued|dispatched)$/) });
  });

  test('when the phone number is not E.164, then 400 names phoneNumber and no call is stored', async () => {
    const before = await callCount(tenant.account.id);
    const res = await start(tenant, { campaignId: tenant.campaign.id, phoneNumber: '415-555-0123' });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([
      { field: 'phoneNumber', message: 'must be an E.164 phone number such as +14155550123' },
    ]);
    expect(await callCount(tenant.account.id)).toBe(before);
  });

  test("when the campaign is another account's, then 422 names campaignId and nothing is queued", async () => {
    const before = await callCount(tenant.account.id);
    const res = await start(tenant, { campaignId: other.campaign.id, phoneNumber: '+14155550123' });
    expect(res.status).toBe(422);
    expect(res.body.details).toEqual([{ field: 'campaignId', message: 'is not a campaign of this account' }]);
    expect(await callCount(tenant.account.id)).toBe(before);
  });

  test('when another account reads a call, then 404', async () => {
    const created = await start(tenant, { campaignId: tenant.campaign.id, phoneNumber: '+14155550124' });
    const res = await api(server, 'GET', `/v1/api/calls/${created.body.id}`, { apiKey: other.apiKey });
    expect(res.status).toBe(404);
  });

  test('when the same Idempotency-Key is sent twice, then one call is placed and the same answer replayed', async () => {
    const body = { campaignId: tenant.campaign.id, phoneNumber: '+14155550125' };
    const before = await callCount(tenant.account.id);
    const [a, b] = await Promise.all([start(tenant, body, 'call-key'), start(tenant, body, 'call-key')]);
    const again = await start(tenant, body, 'call-key');
    expect([a.status, b.status].sort()).toEqual(a.status === b.status ? [201, 201] : [201, 409]);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toStrictEqual((a.status === 201 ? a : b).body);
    expect(await callCount(tenant.account.id)).toBe(before + 1);
    const otherBody = await start(tenant, { ...body, phoneNumber: '+14155550126' }, 'call-key');
    expect(otherBody.status).toBe(422);
  });

  test('when no call time is left, then 402 says how to get more and no call is stored', async () => {
    const broke = await createTenant(server, 'free');
    await applyLedgerEntry(server.context.storage.db, server.clock, {
      accountId: broke.account.id,
      kind: 'call',
      seconds: 60 * 60,
      reference: `call_used_${broke.account.id}`,
    });
    const res = await start(
      broke,
      { campaignId: broke.campaign.id, phoneNumber: '+14155550123' },
      'broke-key',
    );
    expect(res.status).toBe(402);
    expect(res.body.message).toContain('/v1/api/billing/extra-minutes');
    expect(await callCount(broke.account.id)).toBe(0);
  });
});
