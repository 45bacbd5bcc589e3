import { registerClient } from '../../../support/oauth';
import {
  api,
  createTenant,
  startTestServer,
  TEST_SERVICE_TOKEN,
  type Tenant,
  type TestServer,
} from '../../../support/server';
import { sql } from 'kysely';

type Operation = { requestBody?: { content: Record<string, unknown> }; responses: Record<string, any> };

describe('the contract of /openapi.json against the server', () => {
  let server: TestServer;
  let tenant: Tenant;
  let paths: Record<string, Record<string, Operation>>;
  beforeAll(async () => {
    server = await startTestServer('sqlite');
    tenant = await createTenant(server);
    paths = (await api(server, 'GET', '/openapi.json')).body.paths;
  });
  afterAll(() => server.stop());

  const operations = () =>
    Object.entries(paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ path, method, op })),
    );

  test('when an operation takes a JSON body, then its 413 and 415 answers are documented', () => {
    const withJson = operations().filter(
      ({ op }) => op.requestBody?.content['application/json'] && !JSON.stringify(op).includes('OAuthError'),
    );
    expect(withJson.length).toBeGreaterThan(8);
    const missing = withJson
      .filter(({ op }) => !op.responses['413'] || !op.responses['415'])
      .map(({ method, path }) => `${method} ${path}`);
    expect(missing).toStrictEqual([]);
  });

  test('when the Stripe webhook and the sign-in form are read, then each documents its request body', () => {
    expect(paths['/webhooks/stripe']!.post!.requestBody?.content['application/json']).toBeDefined();
    expect(
      paths['/oauth/authorize']!.post!.requestBody?.content['application/x-www-form-urlencoded'],
    ).toBeDefined();
  });

  test('when a transcript of 300,000 characters is reported, then the platform route takes it, as its schema allows', async () => {
    const res = await api(server, 'POST', '/v1/internal/call-events', {
      token: TEST_SERVICE_TOKEN,
      body: {
        type: 'call_completed',
        callId: 'call-long-transcript',
        campaignId: tenant.campaign.id,
        phoneNumber: '+14155550123',
        durationSeconds: 60,
        transcript: 'é'.repeat(300_000),
        occurredAt: '2026-11-20T14:06:15.000Z',
      },
    });
    expect(res.status).toBe(201);
  });

  test('when an API body is larger than 256 kB, then the documented 413 in the error shape', async () => {
    const res = await api(server, 'PATCH', '/v1/api/account', {
      apiKey: tenant.apiKey,
      body: { companyName: 'x'.repeat(300_000) },
    });
    expect(res.status).toBe(413);
    expect(res.body).toStrictEqual({
      statusCode: 413,
      error: 'Payload Too Large',
      message: 'The request body is too large.',
    });
  });

  test('when the platform route is called without the token, then a large body is refused before it is read', async () => {
    const res = await api(server, 'POST', '/v1/internal/call-events', {
      body: { transcript: 'x'.repeat(1_000_000) },
    });
    expect(res.status).toBe(401);
  });
});

describe('OAuth failures on our side', () => {
  let server: TestServer;
  afterAll(() => server.stop());

  test('when /oauth/revoke or /oauth/userinfo fails inside, then 500 in the OAuth error shape, documented', async () => {
    server = await startTestServer('sqlite');
    const client = await registerClient(server);
    await sql`DROP TABLE oauth_tokens`.execute(server.context.storage.db);
    const res = await fetch(`${server.url}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: client.clientId,
        client_secret: client.clientSecret,
        token: 'atlrt_whatever',
      }).toString(),
    });
    expect(res.status).toBe(500);
    expect(await res.json()).toStrictEqual({
      error: 'server_error',
      error_description: 'Something failed on our side. It was logged; try again shortly.',
    });
    const doc = (await api(server, 'GET', '/openapi.json')).body;
    expect(doc.paths['/oauth/revoke'].post.responses['500'].content['application/json'].schema).toStrictEqual(
      {
        $ref: '#/components/schemas/OAuthError',
      },
    );
  });
});
