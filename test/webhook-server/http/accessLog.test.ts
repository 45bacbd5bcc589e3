import { captureLogs, type CapturedLogs } from '../../support/capturedLogs';
import { api, createTenant, startTestServer, type Tenant, type TestServer } from '../../support/server';

describe('the access log', () => {
  let server: TestServer;
  let tenant: Tenant;
  let logs: CapturedLogs;

  beforeAll(async () => {
    logs = captureLogs();
    server = await startTestServer('sqlite', {}, { logger: logs.logger });
    tenant = await createTenant(server);
  });
  afterAll(() => server.stop());

  /** The line the server wrote for the request with this id, once its response is done. */
  async function lineFor(requestId: string) {
    for (let i = 0; i < 50; i++) {
      const line = logs.lines.find((l) => (l.req as { id?: string } | undefined)?.id === requestId);
      if (line) return line;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`no access log line for ${requestId}`);
  }

  test('when an API request succeeds, then one info line holds its method, url, status and time, with the key redacted', async () => {
    const res = await api(server, 'GET', '/v1/api/account?limit=1', {
      apiKey: tenant.apiKey,
      headers: { 'x-request-id': 'req-ok-1' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('req-ok-1');
    const line = await lineFor('req-ok-1');
    expect(line).toMatchObject({
      level: 30,
      msg: 'request completed',
      req: { method: 'GET', url: '/v1/api/account?limit=1', headers: { 'api-key': '[redacted]' } },
      res: { statusCode: 200 },
    });
    expect(typeof line.responseTime).toBe('number');
    expect(logs.lines.filter((l) => (l.req as { id?: string } | undefined)?.id === 'req-ok-1')).toHaveLength(
      1,
    );
    expect(JSON.stringify(logs.lines)).not.toContain(tenant.apiKey);
  });

  test('when a request is refused, then its line is a warning with the status, and an OAuth code in the url is redacted', async () => {
    const res = await api(server, 'GET', '/v1/api/account?code=secret-code-123', {
      headers: { 'x-request-id': 'req-refused-1' },
    });
    expect(res.status).toBe(401);
    const line = await lineFor('req-refused-1');
    expect(line).toMatchObject({
      level: 40,
      msg: 'request completed',
      req: { url: '/v1/api/account?code=[redacted]' },
      res: { statusCode: 401 },
    });
    expect(JSON.stringify(logs.lines)).not.toContain('secret-code-123');
  });

  test('when the client sends no usable request id, then the server makes one and logs the line under it', async () => {
    const res = await api(server, 'GET', '/healthz', { headers: { 'x-request-id': '../../bad id' } });
    const id = res.headers.get('x-request-id')!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await lineFor(id)).toMatchObject({ req: { method: 'GET', url: '/healthz' } });
  });
});

describe('with logging off (LOG_LEVEL=silent, no access log)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('sqlite', { LOG_LEVEL: 'silent' });
  });
  afterAll(() => server.stop());

  test('when a request comes, then it still gets its request id: the client’s when usable, else a new one', async () => {
    const kept = await api(server, 'GET', '/healthz', { headers: { 'x-request-id': 'req-silent-1' } });
    expect(kept.headers.get('x-request-id')).toBe('req-silent-1');
    const made = await api(server, 'GET', '/healthz', { headers: { 'x-request-id': '../../bad id' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const refused = await api(server, 'GET', '/v1/api/account');
    expect(refused.status).toBe(401);
    expect(refused.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
