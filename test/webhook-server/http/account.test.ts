import { api, createTenant, startTestServer, type Tenant, type TestServer } from '../../support/server';
import { testEngines } from '../../support/engines';
import { issueApiKey } from '../../../webhook-server/src/domain/apiKeys';

async function accountEvents(server: TestServer, accountId: string) {
  return server.context.storage.db
    .selectFrom('events')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('trigger_name', '=', 'account_updated')
    .execute();
}

describe.each(testEngines())('account API on %s', (engine) => {
  let server: TestServer;
  let tenant: Tenant;
  let other: Tenant;

  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  beforeEach(async () => {
    tenant = await createTenant(server);
    other = await createTenant(server);
  });
  afterAll(() => server.stop());

  test('when the api-key is valid, then GET /account returns that account', async () => {
    const res = await api(server, 'GET', '/v1/api/account', { apiKey: tenant.apiKey });
    expect(res.status).toBe(200);
    expect(res.body).toStrictEqual(tenant.account);
  });

  test('when no key or an unknown key is sent, then 401 says how to authenticate', async () => {
    const none = await api(server, 'GET', '/v1/api/account');
    expect(none.status).toBe(401);
    expect(none.body).toStrictEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'Authenticate with an `api-key: <key>` header or `Authorization: Bearer <access token>`.',
    });
    const unknown = await api(server, 'GET', '/v1/api/account', { apiKey: 'atlk_not-a-real-key' });
    expect(unknown.status).toBe(401);
    expect(unknown.body.message).toMatch(/not valid or has been revoked/);
  });

  test('when a new key is issued, then the previous key is revoked', async () => {
    const replacement = await issueApiKey(server.context.storage.db, server.clock, tenant.account.id);
    expect((await api(server, 'GET', '/v1/api/account', { apiKey: tenant.apiKey })).status).toBe(401);
    expect((await api(server, 'GET', '/v1/api/account', { apiKey: replacement.apiKey })).status).toBe(200);
  });

  test('when PATCH changes fields, then the account changes and one account_updated event names them', async () => {
    const res = await api(server, 'PATCH', '/v1/api/account', {
      apiKey: tenant.apiKey,
      body: {
        companyName: 'Renamed Inc',
        adminName: tenant.account.adminName,
        profilePictureUrl: 'https://cdn.example.com/p.png',
      },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      companyName: 'Renamed Inc',
      profilePictureUrl: 'https://cdn.example.com/p.png',
    });
    const events = await accountEvents(server, tenant.account.id);
    expect(events).toHaveLength(1);
    const event = JSON.parse(events[0]!.payload);
    expect(event).toMatchObject({
      triggerName: 'account_updated',
      accountId: tenant.account.id,
      campaignId: null,
      data: { account: res.body, changedFields: ['companyName', 'profilePictureUrl'] },
    });
    const otherView = await api(server, 'GET', '/v1/api/account', { apiKey: other.apiKey });
    expect(otherView.body).toStrictEqual(other.account);
  });

  test('when PATCH repeats current values, then nothing is emitted', async () => {
    const res = await api(server, 'PATCH', '/v1/api/account', {
      apiKey: tenant.apiKey,
      body: { companyName: tenant.account.companyName },
    });
    expect(res.status).toBe(200);
    expect(await accountEvents(server, tenant.account.id)).toHaveLength(0);
  });

  test('when the admin email is another account’s (in any case), then 409 and nothing changes', async () => {
    const res = await api(server, 'PATCH', '/v1/api/account', {
      apiKey: tenant.apiKey,
      body: { adminEmail: other.account.adminEmail.toUpperCase() },
    });
    expect(res.status).toBe(409);
    expect(res.body.details).toStrictEqual([{ field: 'adminEmail', message: 'is already in use' }]);
    expect((await api(server, 'GET', '/v1/api/account', { apiKey: tenant.apiKey })).body).toStrictEqual(
      tenant.account,
    );
  });

  test.each([
    ['malformed JSON', { rawBody: '{"companyName": ' }, 400, undefined, /not valid JSON/],
    ['an array body', { body: [{ companyName: 'x' }] }, 400, undefined, /JSON object/],
    ['an empty object', { body: {} }, 400, '(body)', /must contain at least one field/],
    ['a wrong type', { body: { companyName: 42 } }, 400, 'companyName', /must be string/],
    ['an unknown field', { body: { planId: 'enterprise' } }, 400, 'planId', /not a known field/],
    [
      'an over-long name',
      { body: { adminName: 'x'.repeat(201) } },
      400,
      'adminName',
      /must NOT have more than 200 characters/,
    ],
    ['an invalid email', { body: { adminEmail: 'not-an-email' } }, 400, 'adminEmail', /valid email/],
    [
      'a non-http picture URL',
      { body: { profilePictureUrl: 'javascript:alert(1)' } },
      400,
      'profilePictureUrl',
      /./,
    ],
    [
      'a body over the size limit',
      { body: { companyName: 'x'.repeat(300_000) } },
      413,
      undefined,
      /too large/,
    ],
  ])(
    'when PATCH sends %s, then a clear 4xx and nothing changes',
    async (_name, options, status, field, message) => {
      const res = await api(server, 'PATCH', '/v1/api/account', { apiKey: tenant.apiKey, ...options });
      expect(res.status).toBe(status);
      expect(res.body.statusCode).toBe(status);
      expect(res.body.message).toMatch(message);
      if (field) expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
      expect((await api(server, 'GET', '/v1/api/account', { apiKey: tenant.apiKey })).body).toStrictEqual(
        tenant.account,
      );
      expect(await accountEvents(server, tenant.account.id)).toHaveLength(0);
    },
  );

  test('when GET /plans is called, then the catalogue lists four plans with integer prices', async () => {
    const res = await api(server, 'GET', '/v1/api/plans', { apiKey: tenant.apiKey });
    expect(res.status).toBe(200);
    expect(res.body.nextCursor).toBeNull();
    expect(res.body.data.map((p: { id: string }) => p.id)).toStrictEqual([
      'free',
      'starter',
      'pro',
      'enterprise',
    ]);
    const enterprise = res.body.data.find((p: { id: string }) => p.id === 'enterprise');
    expect(enterprise.workshopBookingUrl).toMatch(/^https:\/\//);
    expect(res.body.data.find((p: { id: string }) => p.id === 'free').extraMinutesAllowed).toBe(false);
  });
});
