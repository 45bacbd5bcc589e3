import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { registerClient, type TestClient } from '../../../support/oauth';
import { api, createTenant, startTestServer, type Tenant, type TestServer } from '../../../support/server';

const SCRIPT = path.join(__dirname, '../../../support/strictOAuthClient.mjs');

/** A free port, so PUBLIC_BASE_URL (the issuer) can name the address the server listens on. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('a strict OAuth client library (oauth4webapi) against the server', () => {
  let server: TestServer;
  let tenant: Tenant;
  let client: TestClient;
  let issuer: string;
  beforeAll(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    server = await startTestServer('sqlite', { PORT: String(port), PUBLIC_BASE_URL: issuer });
    tenant = await createTenant(server);
    client = await registerClient(server, [`${issuer}/callback`]);
  });
  afterAll(() => server.stop());

  test('when it discovers the server, then it completes the code flow with PKCE, refreshes and reads userinfo', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [SCRIPT], {
      env: {
        ...process.env,
        ISSUER: issuer,
        CLIENT_ID: client.clientId,
        CLIENT_SECRET: client.clientSecret,
        REDIRECT_URI: client.redirectUris[0]!,
        ADMIN_EMAIL: tenant.account.adminEmail,
        ADMIN_PASSWORD: tenant.password,
      },
    });
    const result = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(result.iss).toBe(issuer);
    expect(result.first).toMatchObject({ token_type: 'bearer', scope: 'profile email offline_access' });
    expect(result.first.id_token).toBeUndefined();
    expect(result.refreshed.refresh_token).not.toBe(result.first.refresh_token);
    expect(result.userInfo).toMatchObject({ sub: tenant.account.id, email: tenant.account.adminEmail });
    const account = await api(server, 'GET', '/v1/api/account', { token: result.refreshed.access_token });
    expect(account.status).toBe(200);
    expect(account.body.id).toBe(tenant.account.id);
  });
});
