import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { api, createTenant, startTestServer, type Tenant, type TestServer } from '../support/server';
import { describeWithBrowser, launchBrowser, type TestBrowser } from '../support/browser';
import { authorizeUrl, exchangeCode, pkcePair, registerClient, type TestClient } from '../support/oauth';

/** A stand-in for the integration's redirect URI on 127.0.0.1: resolves with the first callback URL. */
async function startRedirectReceiver(): Promise<{
  url: string;
  callback: Promise<URL>;
  close(): Promise<void>;
}> {
  let resolveCallback: (url: URL) => void = () => undefined;
  const callback = new Promise<URL>((resolve) => (resolveCallback = resolve));
  const receiver = http.createServer((req, res) => {
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end('<!doctype html><title>Connected</title><p>Connected');
    resolveCallback(new URL(req.url ?? '/', 'http://127.0.0.1'));
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const { port } = receiver.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/callback`,
    callback,
    close: () =>
      new Promise<void>((resolve) => {
        receiver.closeAllConnections();
        receiver.close(() => resolve());
      }),
  };
}

describeWithBrowser('OAuth in a real browser (headless Chromium)', () => {
  let server: TestServer;
  let tenant: Tenant;
  let receiver: Awaited<ReturnType<typeof startRedirectReceiver>>;
  let client: TestClient;
  let browser: TestBrowser | undefined;

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    tenant = await createTenant(server);
    receiver = await startRedirectReceiver();
    client = await registerClient(server, [receiver.url]);
  });
  afterAll(async () => {
    await browser?.close();
    await receiver.close();
    await server.stop();
  });

  test('when the admin signs in and allows, then the integration gets a code it exchanges for working tokens', async () => {
    browser = await launchBrowser();
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    const cspViolations: string[] = [];
    page.on('console', (message) => {
      if (/Content.Security.Policy/i.test(message.text())) cspViolations.push(message.text());
    });

    const { verifier, challenge } = pkcePair();
    const base = { url: `http://127.0.0.1:${server.port}` };
    await page.goto(authorizeUrl(base, client, { state: 'browser-state', codeChallenge: challenge }));
    await expect(page.locator('h1').textContent()).resolves.toBe(`Connect ${client.name} to Atlas`);
    // The stylesheet is inline under a CSP nonce: it applies only if the policy lets it.
    const allowColour = await page.evaluate<string>(
      "getComputedStyle(document.querySelector('button.allow')).backgroundColor",
    );
    expect(allowColour).toBe('rgb(59, 91, 219)');

    await page.fill('#email', tenant.account.adminEmail);
    await page.fill('#password', tenant.password);
    await Promise.all([
      page.waitForURL((url) => url.href.startsWith(receiver.url)),
      page.click('button.allow'),
    ]);

    const callback = await receiver.callback;
    expect(callback.searchParams.get('state')).toBe('browser-state');
    const code = callback.searchParams.get('code');
    expect(code).toMatch(/^atlac_/);
    expect(cspViolations).toStrictEqual([]);

    const tokens = await exchangeCode(base, client, code!, { code_verifier: verifier }, { auth: 'basic' });
    expect(tokens.status).toBe(200);
    const userinfo = await api(base, 'GET', '/oauth/userinfo', { token: tokens.body.access_token });
    expect(userinfo.status).toBe(200);
    expect(userinfo.body).toMatchObject({ sub: tenant.account.id, email: tenant.account.adminEmail });
  }, 60_000);
});
