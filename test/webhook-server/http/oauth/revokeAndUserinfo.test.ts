import { validatorFor } from '../../../../webhook-server/src/http/validation';
import { testEngines } from '../../../support/engines';
import {
  authorizeCode,
  exchangeCode,
  oauthPost,
  refresh,
  registerClient,
  type TestClient,
} from '../../../support/oauth';
import { api, createTenant, startTestServer, type Tenant, type TestServer } from '../../../support/server';

const validUserInfo = validatorFor('OAuthUserInfo.json');

describe.each(testEngines())('OAuth revoke, userinfo and Bearer access on %s', (engine) => {
  let server: TestServer;
  let tenant: Tenant;
  let other: Tenant;
  let client: TestClient;
  let otherClient: TestClient;

  beforeAll(async () => {
    server = await startTestServer(engine);
    tenant = await createTenant(server);
    other = await createTenant(server, 'pro');
    client = await registerClient(server);
    otherClient = await registerClient(server);
  });
  afterAll(() => server.stop());

  const tokensFor = async (who: Tenant, as: TestClient = client) =>
    (await exchangeCode(server, as, await authorizeCode(server, who, as))).body as {
      access_token: string;
      refresh_token: string;
    };
  const revoke = (token: string, as: TestClient | undefined = client, auth: 'post' | 'basic' = 'post') =>
    oauthPost(server, '/oauth/revoke', { token }, { client: as, auth });
  const accountStatus = async (token: string) =>
    (await api(server, 'GET', '/v1/api/account', { token })).status;

  test('when each account reads /oauth/userinfo, then each sees only itself', async () => {
    for (const who of [tenant, other]) {
      const res = await api(server, 'GET', '/oauth/userinfo', { token: (await tokensFor(who)).access_token });
      expect(res.status).toBe(200);
      expect(validUserInfo(res.body)).toBe(true);
      expect(res.body).toStrictEqual({
        sub: who.account.id,
        email: who.account.adminEmail,
        name: who.account.adminName,
        accountId: who.account.id,
        companyName: who.account.companyName,
        planId: who.account.planId,
      });
    }
  });

  test('when /oauth/userinfo gets no token or a bad one, then 401 with WWW-Authenticate', async () => {
    const none = await api(server, 'GET', '/oauth/userinfo');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const bad = await api(server, 'GET', '/oauth/userinfo', { token: 'atlat_not-a-token' });
    expect(bad.status).toBe(401);
    expect(bad.body.error).toBe('invalid_token');
  });

  test('when a Bearer token is used on /v1/api, then it acts for its own account exactly like the API key', async () => {
    const tokens = await tokensFor(tenant);
    const viaToken = await api(server, 'GET', '/v1/api/account', { token: tokens.access_token });
    const viaKey = await api(server, 'GET', '/v1/api/account', { apiKey: tenant.apiKey });
    expect(viaToken.status).toBe(200);
    expect(viaToken.body).toStrictEqual(viaKey.body);
    const campaigns = await api(server, 'GET', '/v1/api/campaigns', { token: tokens.access_token });
    expect(campaigns.body.data.map((c: { id: string }) => c.id)).toStrictEqual([tenant.campaign.id]);
    const othersCampaign = await api(server, 'GET', `/v1/api/campaigns/${other.campaign.id}`, {
      token: tokens.access_token,
    });
    expect(othersCampaign.status).toBe(404);
  });

  test('when the Bearer token is unknown or a refresh token, then /v1/api answers 401', async () => {
    const tokens = await tokensFor(tenant);
    for (const token of ['atlat_unknown', tokens.refresh_token]) {
      const res = await api(server, 'GET', '/v1/api/account', { token });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('invalid_token');
    }
  });

  test('when an access token is revoked, then it stops working and its refresh token still works', async () => {
    const tokens = await tokensFor(tenant);
    const res = await revoke(tokens.access_token, client, 'basic');
    expect(res.status).toBe(200);
    expect(await accountStatus(tokens.access_token)).toBe(401);
    expect((await refresh(server, client, tokens.refresh_token)).status).toBe(200);
  });

  test('when a refresh token is revoked, then its access token stops working too', async () => {
    const tokens = await tokensFor(tenant);
    expect((await revoke(tokens.refresh_token)).status).toBe(200);
    expect(await accountStatus(tokens.access_token)).toBe(401);
    expect((await refresh(server, client, tokens.refresh_token)).body.error).toBe('invalid_grant');
  });

  test('when the token is unknown or belongs to another client, then 200 and nothing changes', async () => {
    expect((await revoke('atlat_never-issued')).status).toBe(200);
    const tokens = await tokensFor(tenant);
    expect((await revoke(tokens.access_token, otherClient)).status).toBe(200);
    expect(await accountStatus(tokens.access_token)).toBe(200);
  });

  test('when the revoking client is not authenticated, then 401 invalid_client and nothing changes', async () => {
    const tokens = await tokensFor(tenant);
    const res = await oauthPost(
      server,
      '/oauth/revoke',
      { token: tokens.access_token },
      { client, auth: 'none' },
    );
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    const wrong = await revoke(tokens.access_token, { ...client, clientSecret: 'atlcs_wrong' });
    expect(wrong.status).toBe(401);
    expect(await accountStatus(tokens.access_token)).toBe(200);
  });

  test('when tokens, codes and secrets are issued, then the database holds none of them in clear', async () => {
    const code = await authorizeCode(server, tenant, client);
    const tokens = (await exchangeCode(server, client, code)).body;
    const { db } = server.context.storage;
    const rows = JSON.stringify([
      await db.selectFrom('oauth_clients').selectAll().execute(),
      await db.selectFrom('oauth_grants').selectAll().execute(),
      await db.selectFrom('oauth_tokens').selectAll().execute(),
    ]);
    for (const secret of [client.clientSecret, code, tokens.access_token, tokens.refresh_token])
      expect(rows).not.toContain(secret);
    expect(rows).toContain(client.clientId);
  });
});
