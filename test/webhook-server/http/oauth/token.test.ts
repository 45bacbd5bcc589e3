import { validatorFor } from '../../../../webhook-server/src/http/validation';
import { testEngines } from '../../../support/engines';
import {
  authorizeCode,
  exchangeCode,
  oauthPost,
  pkcePair,
  refresh,
  registerClient,
  type TestClient,
} from '../../../support/oauth';
import { api, createTenant, startTestServer, type Tenant, type TestServer } from '../../../support/server';

const validTokenResponse = validatorFor('OAuthTokenResponse.json');
const validOAuthError = validatorFor('OAuthError.json');

describe.each(testEngines())('OAuth token endpoint on %s', (engine) => {
  let server: TestServer;
  let tenant: Tenant;
  let client: TestClient;
  let otherClient: TestClient;

  beforeAll(async () => {
    server = await startTestServer(engine);
    tenant = await createTenant(server);
    client = await registerClient(server);
    otherClient = await registerClient(server, ['https://other.example.com/cb']);
  });
  afterAll(() => server.stop());

  const expectOAuthError = (
    res: { status: number; body: any; headers: Headers },
    status: number,
    error: string,
  ) => {
    expect(res.status).toBe(status);
    expect(res.body.error).toBe(error);
    expect(validOAuthError(res.body)).toBe(true);
    expect(res.headers.get('cache-control')).toBe('no-store');
  };
  const accountStatus = async (token: string) =>
    (await api(server, 'GET', '/v1/api/account', { token })).status;

  test('when a code is exchanged with client_secret_post, then the response has both tokens, 36000 s and no-store', async () => {
    const code = await authorizeCode(server, tenant, client);
    const res = await exchangeCode(server, client, code);
    expect(res.status).toBe(200);
    expect(validTokenResponse(res.body)).toBe(true);
    expect(res.body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 36000,
      // openid is accepted in the request but not granted: no ID token is issued.
      scope: 'profile email offline_access',
    });
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  test('when a code is exchanged with HTTP Basic and a JSON body, then tokens are issued', async () => {
    const code = await authorizeCode(server, tenant, client, { scope: 'openid email' });
    const res = await exchangeCode(server, client, code, {}, { auth: 'basic', json: true });
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('email');
  });

  test('when a code is used twice, then the second gets invalid_grant and the tokens from the first are revoked', async () => {
    const code = await authorizeCode(server, tenant, client);
    const first = await exchangeCode(server, client, code);
    expect(await accountStatus(first.body.access_token)).toBe(200);

    expectOAuthError(await exchangeCode(server, client, code), 400, 'invalid_grant');
    expect(await accountStatus(first.body.access_token)).toBe(401);
    expectOAuthError(await refresh(server, client, first.body.refresh_token), 400, 'invalid_grant');
  });

  test('when the same code is exchanged twice at once, then at most one succeeds and no token from it works', async () => {
    const code = await authorizeCode(server, tenant, client);
    const results = await Promise.all([
      exchangeCode(server, client, code),
      exchangeCode(server, client, code),
    ]);
    expect(results.filter((r) => r.status === 200).length).toBeLessThanOrEqual(1);
    expect(results.some((r) => r.body.error === 'invalid_grant')).toBe(true);
    for (const issued of results.filter((r) => r.status === 200))
      expect(await accountStatus(issued.body.access_token)).toBe(401);
  });

  test('when a code is older than 10 minutes, then it is refused', async () => {
    const code = await authorizeCode(server, tenant, client);
    server.clock.advance(10 * 60 * 1000 + 1000);
    expectOAuthError(await exchangeCode(server, client, code), 400, 'invalid_grant');
  });

  test('when another client presents the code, then invalid_grant', async () => {
    const code = await authorizeCode(server, tenant, client);
    const res = await oauthPost(
      server,
      '/oauth/token',
      { grant_type: 'authorization_code', code, redirect_uri: client.redirectUris[0]! },
      { client: otherClient },
    );
    expectOAuthError(res, 400, 'invalid_grant');
  });

  test('when the redirect_uri differs from the authorization request, then invalid_grant and the code is spent', async () => {
    const twoUris = await registerClient(server, ['https://a.example.com/cb', 'https://b.example.com/cb']);
    const code = await authorizeCode(server, tenant, twoUris);
    expectOAuthError(
      await exchangeCode(server, twoUris, code, { redirect_uri: 'https://b.example.com/cb' }),
      400,
      'invalid_grant',
    );
    expectOAuthError(await exchangeCode(server, twoUris, code), 400, 'invalid_grant');
  });

  test('when PKCE was used, then the token needs the matching verifier', async () => {
    const { verifier, challenge } = pkcePair();
    const missing = await authorizeCode(server, tenant, client, { codeChallenge: challenge });
    expectOAuthError(await exchangeCode(server, client, missing), 400, 'invalid_grant');

    const wrong = await authorizeCode(server, tenant, client, { codeChallenge: challenge });
    expectOAuthError(
      await exchangeCode(server, client, wrong, { code_verifier: pkcePair().verifier }),
      400,
      'invalid_grant',
    );

    const right = await authorizeCode(server, tenant, client, { codeChallenge: challenge });
    expect((await exchangeCode(server, client, right, { code_verifier: verifier })).status).toBe(200);
  });

  test('when a verifier is sent for a code without a challenge, then invalid_grant', async () => {
    const code = await authorizeCode(server, tenant, client);
    expectOAuthError(
      await exchangeCode(server, client, code, { code_verifier: pkcePair().verifier }),
      400,
      'invalid_grant',
    );
  });

  test('when the client secret is wrong or missing, then 401 invalid_client', async () => {
    const code = await authorizeCode(server, tenant, client);
    const wrongSecret = { ...client, clientSecret: 'atlcs_wrong' };
    expectOAuthError(await exchangeCode(server, wrongSecret, code), 401, 'invalid_client');
    const basic = await exchangeCode(server, wrongSecret, code, {}, { auth: 'basic' });
    expectOAuthError(basic, 401, 'invalid_client');
    expect(basic.headers.get('www-authenticate')).toMatch(/^Basic/);
    expectOAuthError(await exchangeCode(server, client, code, {}, { auth: 'none' }), 401, 'invalid_client');
    // None of these spent the code.
    expect((await exchangeCode(server, client, code)).status).toBe(200);
  });

  test('when the grant type is missing or unsupported, or the body is not readable, then RFC 6749 errors', async () => {
    expectOAuthError(await oauthPost(server, '/oauth/token', {}, { client }), 400, 'invalid_request');
    expectOAuthError(
      await oauthPost(server, '/oauth/token', { grant_type: 'password' }, { client }),
      400,
      'unsupported_grant_type',
    );
    const broken = await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"grant_type":',
    });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ error: 'invalid_request' });
    // body-parser refuses forms of over 1000 parameters; that is the client's mistake, not a 500.
    const crowded = await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=&'.repeat(1500),
    });
    expect(crowded.status).toBe(400);
    expect(await crowded.json()).toMatchObject({ error: 'invalid_request' });
  });

  test('when a refresh token is used, then it rotates and the new pair works', async () => {
    const first = (await exchangeCode(server, client, await authorizeCode(server, tenant, client))).body;
    const second = await refresh(server, client, first.refresh_token);
    expect(second.status).toBe(200);
    expect(validTokenResponse(second.body)).toBe(true);
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    expect(await accountStatus(second.body.access_token)).toBe(200);
    expect((await refresh(server, client, second.body.refresh_token)).status).toBe(200);
  });

  test('when a rotated refresh token is presented again after the reuse interval, then the whole family is revoked', async () => {
    const first = (await exchangeCode(server, client, await authorizeCode(server, tenant, client))).body;
    const second = (await refresh(server, client, first.refresh_token)).body;
    server.clock.advance(31_000);

    expectOAuthError(await refresh(server, client, first.refresh_token), 400, 'invalid_grant');
    expect(await accountStatus(second.access_token)).toBe(401);
    expectOAuthError(await refresh(server, client, second.refresh_token), 400, 'invalid_grant');
  });

  test('when another client presents a refresh token, then invalid_grant', async () => {
    const tokens = (await exchangeCode(server, client, await authorizeCode(server, tenant, client))).body;
    expectOAuthError(await refresh(server, otherClient, tokens.refresh_token), 400, 'invalid_grant');
  });

  test('when 36000 s have passed, then the access token stops working; after 30 days the refresh token too', async () => {
    const tokens = (await exchangeCode(server, client, await authorizeCode(server, tenant, client))).body;
    server.clock.advance(35_999 * 1000);
    expect(await accountStatus(tokens.access_token)).toBe(200);
    server.clock.advance(2000);
    expect(await accountStatus(tokens.access_token)).toBe(401);
    server.clock.advance(30 * 24 * 3600 * 1000);
    expectOAuthError(await refresh(server, client, tokens.refresh_token), 400, 'invalid_grant');
  });
});
