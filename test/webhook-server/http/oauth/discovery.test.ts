import { authorizeUrl, openForm, registerClient, submitForm, type TestClient } from '../../../support/oauth';
import { api, createTenant, startTestServer, type Tenant, type TestServer } from '../../../support/server';

const ISSUER = 'https://connect.atlas.test';

describe('OAuth discovery (RFC 8414) and the iss response parameter (RFC 9207)', () => {
  let server: TestServer;
  let tenant: Tenant;
  let client: TestClient;
  beforeAll(async () => {
    server = await startTestServer('sqlite', { PUBLIC_BASE_URL: ISSUER });
    tenant = await createTenant(server);
    client = await registerClient(server);
  });
  afterAll(() => server.stop());

  test('when the metadata is read, then it names this issuer and the endpoints, grants and methods the server has', async () => {
    const res = await api(server, 'GET', '/.well-known/oauth-authorization-server');
    expect(res.status).toBe(200);
    expect(res.body).toStrictEqual({
      issuer: ISSUER,
      authorization_endpoint: `${ISSUER}/oauth/authorize`,
      token_endpoint: `${ISSUER}/oauth/token`,
      revocation_endpoint: `${ISSUER}/oauth/revoke`,
      userinfo_endpoint: `${ISSUER}/oauth/userinfo`,
      scopes_supported: ['profile', 'email', 'offline_access'],
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      authorization_response_iss_parameter_supported: true,
      service_documentation: `${ISSUER}/docs`,
    });
  });

  test('when each advertised endpoint is called on this server, then it exists with the documented method', async () => {
    const { body: metadata } = await api(server, 'GET', '/.well-known/oauth-authorization-server');
    const { body: openapi } = await api(server, 'GET', '/openapi.json');
    const local = (url: string) => new URL(url).pathname;
    expect(openapi.paths[local(metadata.authorization_endpoint)].get).toBeDefined();
    for (const endpoint of [metadata.token_endpoint, metadata.revocation_endpoint])
      expect(openapi.paths[local(endpoint)].post).toBeDefined();
    expect(openapi.paths[local(metadata.userinfo_endpoint)].get).toBeDefined();
    // Unauthenticated calls reach the real handlers: each answers in its own error shape.
    const token = await api(server, 'POST', local(metadata.token_endpoint), { body: {} });
    expect(token.status).toBe(401);
    expect(token.body.error).toBe('invalid_client');
    const revoke = await api(server, 'POST', local(metadata.revocation_endpoint), { body: {} });
    expect(revoke.body.error).toBe('invalid_client');
    const userinfo = await api(server, 'GET', local(metadata.userinfo_endpoint));
    expect(userinfo.body.error).toBe('invalid_request');
    const page = await fetch(authorizeUrl(server, client));
    expect(page.status).toBe(200);
  });

  test('when the admin allows, denies, or the request is malformed, then every redirect carries iss', async () => {
    const allowed = await submitForm(server, await openForm(server, client), {
      email: tenant.account.adminEmail,
      password: tenant.password,
      decision: 'allow',
    });
    const denied = await submitForm(server, await openForm(server, client), { decision: 'deny' });
    const malformed = await fetch(authorizeUrl(server, client, { extraQuery: { response_type: 'token' } }), {
      redirect: 'manual',
    });
    const params = [allowed.location, denied.location, malformed.headers.get('location')].map(
      (location) => new URL(location!).searchParams,
    );
    expect(params.map((p) => p.get('iss'))).toStrictEqual([ISSUER, ISSUER, ISSUER]);
    expect(params[0]!.get('code')).toMatch(/^atlac_/);
    expect(params.slice(1).map((p) => p.get('error'))).toStrictEqual([
      'access_denied',
      'unsupported_response_type',
    ]);
  });
});
