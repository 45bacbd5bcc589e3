import { api, createTenant, startTestServer, type Tenant, type TestServer } from '../../support/server';
import { testEngines } from '../../support/engines';
import { createCampaign } from '../../../webhook-server/src/domain/campaigns';

describe.each(testEngines())('campaigns API on %s', (engine) => {
  let server: TestServer;
  let tenant: Tenant;
  let other: Tenant;

  beforeAll(async () => {
    server = await startTestServer(engine);
    tenant = await createTenant(server);
    other = await createTenant(server);
    for (let i = 0; i < 4; i += 1)
      await createCampaign(server.context.storage.db, server.clock, tenant.account.id, `Extra ${i}`);
  });
  afterAll(() => server.stop());

  test('when pages are followed by nextCursor, then every campaign of the account appears once, in order', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const res = await api(server, 'GET', `/v1/api/campaigns${query}`, { apiKey: tenant.apiKey });
      expect(res.status).toBe(200);
      seen.push(...res.body.data.map((c: { name: string }) => c.name));
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(seen).toStrictEqual([tenant.campaign.name, 'Extra 0', 'Extra 1', 'Extra 2', 'Extra 3']);
  });

  test('when another account lists or reads campaigns, then it sees none of these', async () => {
    const list = await api(server, 'GET', '/v1/api/campaigns', { apiKey: other.apiKey });
    expect(list.body).toStrictEqual({ data: [other.campaign], nextCursor: null });
    const read = await api(server, 'GET', `/v1/api/campaigns/${tenant.campaign.id}`, {
      apiKey: other.apiKey,
    });
    expect(read.status).toBe(404);
    const own = await api(server, 'GET', `/v1/api/campaigns/${tenant.campaign.id}`, {
      apiKey: tenant.apiKey,
    });
    expect(own.body).toStrictEqual(tenant.campaign);
  });

  test.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=abc', 'limit'],
    ['cursor=not-a-cursor', 'cursor'],
  ])('when the query has %s, then 400 names %s', async (query, field) => {
    const res = await api(server, 'GET', `/v1/api/campaigns?${query}`, { apiKey: tenant.apiKey });
    expect(res.status).toBe(400);
    expect(res.body.details[0].field).toBe(field);
  });

  test('when usage is read, then each account sees its own period', async () => {
    const res = await api(server, 'GET', '/v1/api/usage', { apiKey: other.apiKey });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ planId: 'starter', includedMinutes: 500, usedSeconds: 0 });
  });
});
