import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from '../../../../webhook-server/src/domain/accountSessions';
import { pageGet, pagePost, signIn, type PageClient } from '../../../support/accountPage';
import { testEngines } from '../../../support/engines';
import { api, createTenant, startTestServer, type Tenant, type TestServer } from '../../../support/server';

const SESSION = 'atlas_account_session';

describe.each(testEngines())('Account page sessions (%s)', (engine) => {
  let server: TestServer;
  let tenant: Tenant;

  beforeAll(async () => {
    server = await startTestServer(engine);
    tenant = await createTenant(server);
  });
  afterAll(() => server.stop());

  test('when the admin signs in, then the session cookie is HttpOnly, Secure and SameSite=Lax and the tabs open', async () => {
    const client = await signIn(server, tenant.account.adminEmail, tenant.password);
    expect(client.response.status).toBe(303);
    expect(client.response.location).toBe('/account/settings');
    const cookie = client.response.headers.getSetCookie().find((line) => line.startsWith(`${SESSION}=`));
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Path=\/account/);
    for (const tab of ['settings', 'billing', 'integrations']) {
      const page = await pageGet(server, client, `/account/${tab}`);
      expect(page.status).toBe(200);
      expect(page.text).toContain(tenant.account.companyName);
      expect(page.headers.get('content-security-policy')).toMatch(
        /script-src 'nonce-[^']+'; style-src 'nonce-/,
      );
    }
  });

  test('when there is no session, then a page redirects to sign-in and a script gets 401', async () => {
    const anonymous: PageClient = { cookies: new Map() };
    const page = await pageGet(server, anonymous, '/account/billing');
    expect(page.status).toBe(303);
    expect(page.location).toBe('/account/sign-in');
    expect((await pageGet(server, anonymous, '/account/integrations/stats.json')).status).toBe(401);
    const forged: PageClient = { cookies: new Map([[SESSION, 'A'.repeat(43)]]) };
    expect((await pageGet(server, forged, '/account')).location).toBe('/account/sign-in');
  });

  test('when a browser brings a session id to sign-in, then it gets a new one and the old one is dead', async () => {
    const attacker = await signIn(server, tenant.account.adminEmail, tenant.password);
    const planted = attacker.cookies.get(SESSION)!;
    const victim: PageClient = { cookies: new Map([[SESSION, planted]]) };
    await signIn(server, tenant.account.adminEmail, tenant.password, victim);
    expect(victim.cookies.get(SESSION)).toBeDefined();
    expect(victim.cookies.get(SESSION)).not.toBe(planted);
    expect((await pageGet(server, attacker, '/account/settings')).location).toBe('/account/sign-in');
    expect((await pageGet(server, victim, '/account/settings')).status).toBe(200);
  });

  test("when a write lacks the CSRF token or carries another session's, then it is refused with 403 and nothing changes", async () => {
    const client = await signIn(server, tenant.account.adminEmail, tenant.password);
    const other = await signIn(server, tenant.account.adminEmail, tenant.password);
    const missing = await pagePost(
      server,
      client,
      '/account/settings',
      { companyName: 'Forged Ltd' },
      { csrf: null },
    );
    expect(missing.status).toBe(403);
    const foreign = await pagePost(
      server,
      client,
      '/account/settings',
      { companyName: 'Forged Ltd' },
      { csrf: other.csrf! },
    );
    expect(foreign.status).toBe(403);
    const viaHeaderless = await pagePost(server, client, '/account/integrations/api-key', {}, { csrf: 'x' });
    expect(viaHeaderless.status).toBe(403);
    const account = await api(server, 'GET', '/v1/api/account', { apiKey: tenant.apiKey });
    expect(account.body.companyName).toBe(tenant.account.companyName);
  });

  test('when the sign-in form is posted without the token of its page, then it is refused', async () => {
    const client: PageClient = { cookies: new Map() };
    const res = await pagePost(server, client, '/account/sign-in', {
      email: tenant.account.adminEmail,
      password: tenant.password,
    });
    expect(res.status).toBe(403);
    expect(client.cookies.get(SESSION)).toBeUndefined();
  });

  test('when the admin signs out, then the session ends on the server too', async () => {
    const client = await signIn(server, tenant.account.adminEmail, tenant.password);
    const cookie = client.cookies.get(SESSION)!;
    const out = await pagePost(server, client, '/account/sign-out');
    expect(out.status).toBe(303);
    expect(out.location).toBe('/account/sign-in');
    const replayed: PageClient = { cookies: new Map([[SESSION, cookie]]) };
    expect((await pageGet(server, replayed, '/account/settings')).location).toBe('/account/sign-in');
  });

  test('when a session stays idle too long, or reaches its absolute end however busy, then it ends', async () => {
    const idle = await signIn(server, tenant.account.adminEmail, tenant.password);
    server.clock.advance(SESSION_IDLE_MS - 60_000);
    expect((await pageGet(server, idle, '/account/settings')).status).toBe(200);
    server.clock.advance(SESSION_IDLE_MS - 60_000);
    expect((await pageGet(server, idle, '/account/settings')).status).toBe(200);
    server.clock.advance(SESSION_IDLE_MS + 1);
    expect((await pageGet(server, idle, '/account/settings')).location).toBe('/account/sign-in');

    const busy = await signIn(server, tenant.account.adminEmail, tenant.password);
    const step = SESSION_IDLE_MS / 2;
    for (let elapsed = step; elapsed < SESSION_ABSOLUTE_MS; elapsed += step) {
      server.clock.advance(step);
      expect((await pageGet(server, busy, '/account/settings')).status).toBe(200);
    }
    server.clock.advance(step);
    expect((await pageGet(server, busy, '/account/settings')).location).toBe('/account/sign-in');
  });

  test('when sessions ended unseen (a closed browser), then the next sign-in clears them from the database', async () => {
    const own = await createTenant(server);
    const rows = () =>
      server.context.storage.db
        .selectFrom('account_sessions')
        .select('token_hash')
        .where('account_id', '=', own.account.id)
        .execute();
    await signIn(server, own.account.adminEmail, own.password);
    await signIn(server, own.account.adminEmail, own.password);
    expect(await rows()).toHaveLength(2);
    server.clock.advance(SESSION_IDLE_MS);
    await signIn(server, own.account.adminEmail, own.password);
    expect(await rows()).toHaveLength(1);
  });

  test('when sign-in is guessed at, then after five tries the account is locked out for a while, even with the right password', async () => {
    const target = await createTenant(server);
    for (let i = 0; i < 5; i++) {
      const guess = await signIn(server, target.account.adminEmail, `wrong-password-${i}`);
      expect(guess.response.status).toBe(401);
      expect(guess.response.text).toContain('The email or password is not correct.');
    }
    const locked = await signIn(server, target.account.adminEmail, target.password);
    expect(locked.response.status).toBe(429);
    expect(Number(locked.response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(locked.response.text).toContain('Too many sign-in attempts');
    expect(locked.cookies.get(SESSION)).toBeUndefined();
  });
});
