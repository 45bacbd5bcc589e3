import { api, createTenant, startTestServer, type Tenant, type TestServer } from '../../support/server';
import { testEngines } from '../../support/engines';

describe.each(testEngines())('account API on %s', (engine) => {
  let server: TestServer;
  let tenant: Tenant;
  let other: Tenant;

  beforeAll(async () => {
    server = await startTestServer(engine);
    tenant = await createTenant(server);
    other = await createTenant(server);
  });
  afterAll(() => server.stop());

  test('when the api-key is valid, then GET /account returns that account', async () => {
    const res = await api(server, 'GET', '/v1/api/account', { apiKey: tenant.apiKey });
    expect(res.status).toBe(200);
    expect(res.body).toStrictEqual({ ...tenant.account });
  });

  test('when no key is sent, then 401 says how to authenticate', async () => {
    const res = await api(server, 'GET', '/v1/api/account');
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({
      statusCode: 401,
      error: 'Unauthorized',
      message: expect.stringContaining('api-key'),
    });
  });

  test('when PATCH changes the company name, then only this account changes', async () => {
    const res = await api(server, 'PATCH', '/v1/api/account', {
      apiKey: tenant.apiKey,
      body: { companyName: 'Renamed Inc' },
    });
    expect(res.status).toBe(200);
    expect(res.body.companyName).toBe('Renamed Inc');
    const otherView = await api(server, 'GET', '/v1/api/account', { apiKey: other.apiKey });
    expect(otherView.body.companyName).toBe(other.account.companyName);
  });
});
