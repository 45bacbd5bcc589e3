import { gzipSync } from 'node:zlib';
import { captureLogs, type CapturedLogs } from '../../../support/capturedLogs';
import { testEngines } from '../../../support/engines';
import { registerClient, type TestClient } from '../../../support/oauth';
import {
  api,
  createTenant,
  startTestServer,
  TEST_SERVICE_TOKEN,
  type Tenant,
  type TestServer,
} from '../../../support/server';
import { STRIPE_ENV } from '../../../support/stripe';

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

describe.each(testEngines())('malformed input on %s', (engine) => {
  let server: TestServer;
  let tenant: Tenant;
  let client: TestClient;
  let logs: CapturedLogs;

  beforeAll(async () => {
    logs = captureLogs();
    server = await startTestServer(engine, STRIPE_ENV, { logger: logs.logger });
    tenant = await createTenant(server);
    client = await registerClient(server);
  });
  afterAll(() => server.stop());
  afterEach(() => {
    expect(logs.errors()).toStrictEqual([]);
  });

  test('when a JSON string holds NUL, then 400 names the field and nothing changes', async () => {
    const res = await api(server, 'PATCH', '/v1/api/account', {
      apiKey: tenant.apiKey,
      body: { companyName: 'Evil\u0000Corp' },
    });
    expect(res.status).toBe(400);
    expect(res.body).toStrictEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'The request body is invalid: companyName must not contain NUL (\\u0000).',
      details: [{ field: 'companyName', message: 'must not contain NUL (\\u0000)' }],
    });
    const account = await api(server, 'GET', '/v1/api/account', { apiKey: tenant.apiKey });
    expect(account.body.companyName).toBe(tenant.account.companyName);
  });

  test('when a nested string holds a control character or a lone surrogate, then 400 names its path', async () => {
    const control = await api(server, 'POST', '/v1/api/calls', {
      apiKey: tenant.apiKey,
      body: { campaignId: tenant.campaign.id, phoneNumber: '+14155550123', parameters: { note: 'a\u0007b' } },
    });
    expect(control.status).toBe(400);
    expect(control.body.details).toStrictEqual([
      {
        field: 'parameters.note',
        message: 'must not contain control characters other than tab and line breaks',
      },
    ]);
    const surrogate = await api(server, 'PATCH', '/v1/api/account', {
      apiKey: tenant.apiKey,
      rawBody: '{"adminName":"x\\ud800y"}',
    });
    expect(surrogate.status).toBe(400);
    expect(surrogate.body.details).toStrictEqual([
      { field: 'adminName', message: 'must be well-formed Unicode (no lone surrogates)' },
    ]);
  });

  test('when a name or id holds a line break or tab, then 400 names it, while free text may hold them', async () => {
    const name = await api(server, 'PATCH', '/v1/api/account', {
      apiKey: tenant.apiKey,
      body: { companyName: 'Acme\nInc' },
    });
    expect(name.status).toBe(400);
    expect(name.body.details).toStrictEqual([
      { field: 'companyName', message: 'must not contain control characters' },
    ]);
    const call = await api(server, 'POST', '/v1/api/calls', {
      apiKey: tenant.apiKey,
      body: { campaignId: `${tenant.campaign.id}\t`, phoneNumber: '+14155550123' },
    });
    expect(call.body.details).toStrictEqual([
      { field: 'campaignId', message: 'must not contain control characters' },
    ]);
    const report = await api(server, 'POST', '/v1/internal/call-events', {
      token: TEST_SERVICE_TOKEN,
      body: {
        type: 'call_completed',
        callId: 'call-with-lines',
        campaignId: tenant.campaign.id,
        phoneNumber: '+14155550123',
        durationSeconds: 30,
        summary: 'Line one.\nLine two.\tTabbed.',
        occurredAt: '2026-11-20T14:06:15.000Z',
      },
    });
    expect(report.status).toBe(201);
  });

  test('when a path id or a query parameter holds NUL, then 400 names it', async () => {
    const path = await api(server, 'GET', '/v1/api/campaigns/cmp%00x', { apiKey: tenant.apiKey });
    expect(path.status).toBe(400);
    expect(path.body.details).toStrictEqual([{ field: '(path)', message: 'must not contain NUL (\\u0000)' }]);
    const query = await api(server, 'GET', '/v1/api/events-gateway/deliveries?subscriptionId=sub%00', {
      apiKey: tenant.apiKey,
    });
    expect(query.status).toBe(400);
    expect(query.body.details).toStrictEqual([
      { field: 'subscriptionId', message: 'must not contain NUL (\\u0000)' },
    ]);
  });

  test('when a path id has malformed percent-encoding, then 400 says how to encode it', async () => {
    for (const path of [
      '/v1/api/calls/%ZZ',
      '/v1/api/campaigns/%E0%A4%A',
      '/v1/api/billing/extra-minutes/%',
    ]) {
      const res = await api(server, 'GET', path, { apiKey: tenant.apiKey });
      expect(res.status).toBe(400);
      expect(res.body.message).toBe(
        'The path has malformed percent-encoding (such as %ZZ). Encode ids with encodeURIComponent.',
      );
    }
  });

  test('when client_id holds NUL on the unauthenticated OAuth routes, then each answers 400 in its own shape', async () => {
    const get = await fetch(
      `${server.url}/oauth/authorize?response_type=code&client_id=cli%00x&redirect_uri=${encodeURIComponent(client.redirectUris[0]!)}`,
    );
    expect(get.status).toBe(400);
    expect(await get.text()).toContain('client_id that must not contain NUL');
    const post = await fetch(
      `${server.url}/oauth/authorize`,
      form({ client_id: 'cli\u0000x', response_type: 'code' }),
    );
    expect(post.status).toBe(400);
    expect(await post.text()).toContain('client_id that must not contain NUL');
    const revoke = await fetch(
      `${server.url}/oauth/revoke`,
      form({ client_id: 'cli\u0000x', client_secret: 'x', token: 'y' }),
    );
    expect(revoke.status).toBe(400);
    expect(await revoke.json()).toStrictEqual({
      error: 'invalid_request',
      error_description: 'client_id must not contain NUL (\\u0000).',
    });
    const basic = Buffer.from(`${encodeURIComponent('cli\u0000x')}:secret`).toString('base64');
    const token = await fetch(`${server.url}/oauth/token`, {
      ...form({ grant_type: 'refresh_token', refresh_token: 'atlrt_x' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
    });
    expect(token.status).toBe(401);
    expect(((await token.json()) as { error: string }).error).toBe('invalid_client');
  });

  test('when a body claims a Content-Encoding it does not have, then 400 on every kind of route and no error is logged', async () => {
    const broken = { 'content-type': 'application/json', 'content-encoding': 'gzip' };
    const truncated = gzipSync('{"companyName":"x"}').subarray(0, 12);
    const targets: Array<[string, string, Record<string, string>, Buffer]> = [
      ['PATCH', '/v1/api/account', { ...broken, 'api-key': tenant.apiKey }, Buffer.from('{"a":1}')],
      [
        'PATCH',
        '/v1/api/account',
        { ...broken, 'api-key': tenant.apiKey, 'content-encoding': 'br' },
        Buffer.from('nope'),
      ],
      [
        'PATCH',
        '/v1/api/account',
        { ...broken, 'api-key': tenant.apiKey, 'content-encoding': 'deflate' },
        truncated,
      ],
      ['POST', '/oauth/token', { ...broken, 'content-type': 'application/x-www-form-urlencoded' }, truncated],
      ['POST', '/oauth/revoke', broken, Buffer.from('xx')],
      ['POST', '/webhooks/stripe', { ...broken, 'stripe-signature': 't=1,v1=00' }, Buffer.from('xx')],
    ];
    for (const [method, path, headers, body] of targets) {
      const res = await fetch(server.url + path, { method, headers, body });
      expect({ path, status: res.status }).toStrictEqual({ path, status: 400 });
      const answer = (await res.json()) as { message?: string; error_description?: string };
      const message = answer.message ?? answer.error_description;
      expect(message).toBe(
        'The request body could not be decompressed: its Content-Encoding does not match the bytes sent.',
      );
    }
    const unsupported = await fetch(`${server.url}/v1/api/account`, {
      method: 'PATCH',
      headers: { ...broken, 'content-encoding': 'compress', 'api-key': tenant.apiKey },
      body: '{}',
    });
    expect(unsupported.status).toBe(415);
  });
});
