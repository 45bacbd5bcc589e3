import { api, createTenant, startTestServer, type Tenant, type TestServer } from '../../support/server';
import {
  authorizeUrl,
  connect,
  MAKE_REDIRECT_URI,
  refreshIfDue,
  registerMake,
  type Common,
} from './harness/connection';
import { runComponent } from './harness/connection';

/*
 * The Make connection against the real server: its authorize URL is opened and signed into like
 * a browser would, then its token, info and refresh steps run through the IML harness.
 */

let server: TestServer;
let tenant: Tenant;
let common: Common;

beforeAll(async () => {
  server = await startTestServer('sqlite');
  tenant = await createTenant(server);
  common = await registerMake(server);
});

afterAll(async () => {
  await server?.stop();
});

describe('the Atlas connection in Make', () => {
  test('when Make opens the authorize step, then it asks for a code with Make’s redirect URI and every scope', () => {
    const url = new URL(authorizeUrl(common));
    expect(`${url.origin}${url.pathname}`).toBe(`${server.url}/oauth/authorize`);
    expect(Object.fromEntries(url.searchParams)).toStrictEqual({
      response_type: 'code',
      client_id: common.clientId,
      redirect_uri: MAKE_REDIRECT_URI,
      scope: 'openid profile email offline_access',
    });
  });

  test('when the admin allows, then token stores working tokens and the base URL, and info labels the connection', async () => {
    const before = Date.now();
    const connection = await connect(common, tenant);
    expect(connection.data).toStrictEqual({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      baseUrl: server.url,
    });
    const lifetime = (connection.expires.getTime() - before) / 1000;
    expect(lifetime).toBeGreaterThan(35_000);
    expect(lifetime).toBeLessThanOrEqual(36_001);
    expect(connection.uid).toBe(tenant.account.id);
    expect(connection.label).toBe(`${tenant.account.companyName} (${tenant.account.adminEmail})`);
    const me = await api(server, 'GET', '/v1/api/account', { token: connection.data.accessToken as string });
    expect(me.body.id).toBe(tenant.account.id);
  });

  test('when the token is far from expiry, then refresh does not run', async () => {
    const connection = await connect(common, tenant);
    const after = await refreshIfDue(common, connection);
    expect(after.result.skipped).toBe(true);
    expect(after.result.requests).toHaveLength(0);
  });

  test('when expiry is less than 15 minutes away, then refresh rotates both tokens and the new access token works', async () => {
    const connection = await connect(common, tenant);
    const soon = new Date(connection.expires.getTime() - 10 * 60_000);
    const refreshed = await refreshIfDue(common, connection, soon);
    expect(refreshed.result.skipped).toBeUndefined();
    expect(refreshed.data.accessToken).not.toBe(connection.data.accessToken);
    expect(refreshed.data.refreshToken).not.toBe(connection.data.refreshToken);
    expect(refreshed.data.baseUrl).toBe(server.url);
    expect(refreshed.expires.getTime()).toBeGreaterThan(soon.getTime());
    const usage = await runComponent('module', 'getUsage', refreshed);
    expect(usage.outputs).toHaveLength(1);
  });
});
