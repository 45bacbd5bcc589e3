import { Writable } from 'node:stream';
import pino from 'pino';
import { loadConfig } from '../../../../webhook-server/src/config';
import { REDACTED_PATHS } from '../../../../webhook-server/src/logger';
import { startServer } from '../../../../webhook-server/src/server';
import { TestClock } from '../../../support/clock';
import { freshStorage, testEngines } from '../../../support/engines';
import {
  authorizeUrl,
  exchangeCode,
  openForm,
  registerClient,
  submitForm,
  type TestClient,
} from '../../../support/oauth';
import { createTenant, startTestServer, type Tenant, type TestServer } from '../../../support/server';

describe.each(testEngines())('OAuth authorize page on %s', (engine) => {
  let server: TestServer;
  let tenant: Tenant;
  let client: TestClient;

  beforeAll(async () => {
    server = await startTestServer(engine);
    tenant = await createTenant(server);
    client = await registerClient(server, [
      'https://hooks.example.com/cb?app=1',
      'https://alt.example.com/cb',
    ]);
  });
  afterAll(() => server.stop());

  const allow = (
    session: Awaited<ReturnType<typeof openForm>>,
    who: Tenant = tenant,
    password = who.password,
  ) => submitForm(server, session, { email: who.account.adminEmail, password, decision: 'allow' });

  test('when the request is valid, then a self-contained page names the app under a nonce-based CSP', async () => {
    const { page, html, cookie } = await openForm(server, client);
    expect(page.status).toBe(200);
    expect(html).toContain(`Connect ${client.name} to Atlas`);
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
    const csp = page.headers.get('content-security-policy') ?? '';
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(html).toContain(`<style nonce="${nonce}">`);
    expect(csp).toContain("form-action 'self' https://hooks.example.com");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(cookie).toMatch(/^atlas_oauth_form=/);
    expect(page.headers.get('set-cookie')).toMatch(/HttpOnly/i);
    expect(page.headers.get('set-cookie')).toMatch(/SameSite=Lax/i);
  });

  test('when the client is unknown or the redirect URI is not registered exactly, then an error page and no redirect', async () => {
    const urls = [
      authorizeUrl(server, { ...client, clientId: 'cli_unknown' }),
      authorizeUrl(server, client, { redirectUri: 'https://evil.example.com/cb' }),
      authorizeUrl(server, client, { redirectUri: 'https://hooks.example.com/cb?app=1&x=2' }),
      authorizeUrl(server, client, { redirectUri: 'https://hooks.example.com/cb' }),
      `${server.url}/oauth/authorize?response_type=code&client_id=${client.clientId}`,
    ];
    for (const url of urls) {
      const res = await fetch(url, { redirect: 'manual' });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.text()).toContain('Cannot connect to Atlas');
    }
  });

  test('when a known client sends a bad scope, response type or PKCE method, then it is redirected with the error and state', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ scope: 'openid admin' }, 'invalid_scope'],
      [{ response_type: 'token' }, 'unsupported_response_type'],
      [{ code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' }, 'invalid_request'],
      [{ code_challenge: 'short', code_challenge_method: 'S256' }, 'invalid_request'],
    ];
    for (const [extraQuery, error] of cases) {
      const res = await fetch(authorizeUrl(server, client, { state: 'xyz', extraQuery }), {
        redirect: 'manual',
      });
      expect(res.status).toBe(302);
      const location = new URL(res.headers.get('location')!);
      expect(`${location.origin}${location.pathname}`).toBe('https://hooks.example.com/cb');
      expect(Object.fromEntries(location.searchParams)).toMatchObject({ app: '1', error, state: 'xyz' });
    }
  });

  test('when the admin allows, then the browser goes to the registered URI with code and state', async () => {
    const res = await allow(await openForm(server, client, { state: 'state with spaces & symbols' }));
    expect(res.status).toBe(302);
    const location = new URL(res.location!);
    expect(`${location.origin}${location.pathname}`).toBe('https://hooks.example.com/cb');
    expect(location.searchParams.get('app')).toBe('1');
    expect(location.searchParams.get('state')).toBe('state with spaces & symbols');
    expect(location.searchParams.get('code')).toMatch(/^atlac_/);
  });

  test('when the admin denies, then the redirect carries access_denied and state, with no sign-in needed', async () => {
    const session = await openForm(server, client, {
      redirectUri: 'https://alt.example.com/cb',
      state: 's1',
    });
    const res = await submitForm(server, session, { decision: 'deny' });
    expect(res.status).toBe(302);
    const location = new URL(res.location!);
    expect(`${location.origin}${location.pathname}`).toBe('https://alt.example.com/cb');
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('s1');
    expect(location.searchParams.get('code')).toBeNull();
  });

  test('when the password is wrong or the email unknown, then the same generic message and no redirect', async () => {
    const session = await openForm(server, client);
    const wrong = await allow(session, tenant, 'not-the-password');
    const unknown = await submitForm(server, session, {
      email: 'nobody@example.com',
      password: 'whatever-password',
      decision: 'allow',
    });
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(res.location).toBeNull();
      expect(res.html).toContain('The email or password is not correct.');
    }
  });

  test('when the form comes without its cookie, with a forged token, altered, or too late, then 403 and no code', async () => {
    const session = await openForm(server, client);
    const forms = [
      { ...session, cookie: '' },
      { ...session, cookie: 'atlas_oauth_form=' + 'A'.repeat(43) },
      { ...session, fields: { ...session.fields, csrf: `${Date.now()}.forged` } },
      { ...session, fields: { ...session.fields, redirect_uri: 'https://alt.example.com/cb' } },
      { ...session, fields: { ...session.fields, scope: 'email' } },
    ];
    for (const form of forms) {
      const res = await allow(form);
      expect(res.status).toBe(403);
      expect(res.location).toBeNull();
    }
    const late = await openForm(server, client);
    server.clock.advance(31 * 60 * 1000);
    expect((await allow(late)).status).toBe(403);
  });

  test('when one account fails to sign in 5 times, then even the right password waits (429), and other accounts do not', async () => {
    const victim = await createTenant(server);
    const session = await openForm(server, client);
    for (let i = 0; i < 5; i += 1) expect((await allow(session, victim, `wrong-${i}`)).status).toBe(401);
    const locked = await allow(session, victim);
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(locked.html).toContain('Too many sign-in attempts');
    const bystander = await createTenant(server);
    expect((await allow(session, bystander)).status).toBe(302);
  });
});

describe('OAuth sign-in limits per address', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('sqlite');
  });
  afterAll(() => server.stop());

  test('when one address tries 20 sign-ins, then the 21st is refused whatever the account', async () => {
    const client = await registerClient(server);
    const tenant = await createTenant(server);
    const session = await openForm(server, client);
    for (let i = 0; i < 20; i += 1) {
      const res = await submitForm(server, session, {
        email: `guess${i}@example.com`,
        password: 'guess-password',
        decision: 'allow',
      });
      expect(res.status).toBe(401);
    }
    const res = await submitForm(server, session, {
      email: tenant.account.adminEmail,
      password: tenant.password,
      decision: 'allow',
    });
    expect(res.status).toBe(429);
  });
});

test('when an admin connects an app, then the logs hold no password, code or token', async () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const logger = pino({ level: 'info', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink);
  const storage = await freshStorage('sqlite');
  const clock = new TestClock();
  const running = await startServer(
    loadConfig({ NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', ATLAS_SEED_DEMO: 'false' }),
    { clock, logger, storage: storage.storage },
  );
  const server = { ...running, clock, db: storage, stop: running.close } as TestServer;
  try {
    const tenant = await createTenant(server);
    const client = await registerClient(server);
    const session = await openForm(server, client);
    const res = await submitForm(server, session, {
      email: tenant.account.adminEmail,
      password: tenant.password,
      decision: 'allow',
    });
    const code = new URL(res.location!).searchParams.get('code')!;
    const tokens = (await exchangeCode(server, client, code, {}, { auth: 'basic' })).body;
    const logs = lines.join('');
    expect(logs).toContain('/oauth/token');
    for (const secret of [
      tenant.password,
      code,
      tokens.access_token,
      tokens.refresh_token,
      client.clientSecret,
    ])
      expect(logs).not.toContain(secret);
  } finally {
    await running.close();
    await storage.destroy();
  }
});
