import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describeWithBrowser, launchBrowser, type TestBrowser } from '../support/browser';
import { TINY_PNG } from '../support/images';
import { authorizeCode, exchangeCode, registerClient } from '../support/oauth';
import { Receiver, status } from '../support/receiver';
import {
  TEST_SERVICE_TOKEN,
  api,
  createTenant,
  startTestServer,
  type Tenant,
  type TestServer,
} from '../support/server';
import { waitFor } from '../support/waitFor';

/** Screenshots of each tab land here for people to look at (git-ignored; CI keeps them as artifacts). */
const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts', 'account-page');

describeWithBrowser('The Account page in a real browser (headless Chromium)', () => {
  let server: TestServer;
  let tenant: Tenant;
  let receiver: Receiver;
  let browser: TestBrowser;
  let page: Page;
  let base: string;
  const problems: string[] = [];
  const requested: string[] = [];

  const shot = (name: string) =>
    page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    server = await startTestServer('sqlite', {
      ATLAS_ALLOW_PRIVATE_HOOK_URLS: 'true',
      DELIVERY_RETRY_SCHEDULE: '1s',
    });
    tenant = await createTenant(server, 'starter');
    receiver = await Receiver.start();
    base = `http://127.0.0.1:${server.port}`;
    browser = await launchBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    // Refused pages (a 400 for a bad email) log their status; what must never happen is a policy
    // violation or a script error.
    page.on('console', (message) => {
      if (/Content.Security.Policy/i.test(message.text())) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('request', (request) => requested.push(new URL(request.url()).pathname));
  });
  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
    await server?.stop();
  });

  test('when the admin signs in with email and password by keyboard, then the Settings tab opens', async () => {
    await page.goto(`${base}/account`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Sign in to your Atlas account');
    await shot('sign-in');
    // By keyboard alone: the first Tab reaches the email field, Enter submits.
    await page.keyboard.press('Tab');
    await page.keyboard.type(tenant.account.adminEmail);
    await page.keyboard.press('Tab');
    await page.keyboard.type(tenant.password);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/account/settings`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Account Settings');
    // The stylesheet is inline under the CSP nonce: it applies only if the policy lets it.
    const headerColour = await page.evaluate<string>(
      "getComputedStyle(document.querySelector('header')).backgroundColor",
    );
    expect(headerColour).toBe('rgb(28, 35, 51)');
  });

  test('when the admin edits settings, then bad input is explained next to its field and good input is saved', async () => {
    await page.getByLabel('Admin email').fill('not-an-email');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.locator('#adminEmail-error').textContent()).resolves.toBe(
      'Admin email must be a valid email',
    );
    await expect(page.getByLabel('Admin email').getAttribute('aria-invalid')).resolves.toBe('true');
    await page.getByLabel('Admin email').fill(tenant.account.adminEmail);
    await page.getByLabel('Company name').fill('Browser Co');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(/done=saved/);
    await expect(page.locator('header .brand').textContent()).resolves.toBe('Atlas · Browser Co');
    expect((await api(server, 'GET', '/v1/api/account', { apiKey: tenant.apiKey })).body.companyName).toBe(
      'Browser Co',
    );
  });

  test('when the admin uploads a picture, then it shows, and when removed, it is gone', async () => {
    await page
      .getByLabel(/Upload a picture/)
      .setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: TINY_PNG });
    await page.getByRole('button', { name: 'Upload picture' }).click();
    await page.waitForURL(/done=picture$/);
    const loaded = await page.evaluate<number>("document.querySelector('img#avatar').naturalWidth");
    expect(loaded).toBe(1);
    await shot('settings');
    const url = (await api(server, 'GET', '/v1/api/account', { apiKey: tenant.apiKey })).body
      .profilePictureUrl;
    expect(url).toMatch(/\/media\/profile-pictures\/pic_/);

    await page.getByLabel(/Upload a picture/).setInputFiles({
      name: 'evil.png',
      mimeType: 'image/png',
      buffer: Buffer.from('<html><script>alert(1)</script></html>'),
    });
    await page.getByRole('button', { name: 'Upload picture' }).click();
    await expect(page.locator('#picture-error').textContent()).resolves.toBe(
      'Picture must be a PNG, JPEG or WebP image',
    );

    await page.getByRole('button', { name: 'Remove picture' }).click();
    await page.waitForURL(/done=picture-removed/);
    expect(await page.locator('img#avatar').count()).toBe(0);
    expect(
      (await api(server, 'GET', '/v1/api/account', { apiKey: tenant.apiKey })).body.profilePictureUrl,
    ).toBeNull();
  });

  test('when the admin buys extra minutes and double-clicks Confirm, then one purchase is made and shown', async () => {
    // Three hours of calls, so the usage bar has something to show.
    const call = await api(server, 'POST', '/v1/internal/call-events', {
      token: TEST_SERVICE_TOKEN,
      body: {
        type: 'call_completed',
        callId: 'browser-call-1',
        campaignId: tenant.campaign.id,
        phoneNumber: '+14155550123',
        status: 'completed',
        durationSeconds: 3 * 3600,
        occurredAt: server.clock.now().toISOString(),
      },
    });
    expect(call.status).toBeLessThan(300);
    await page.getByRole('link', { name: 'Account Billing' }).click();
    await page.waitForURL(`${base}/account/billing`);
    await expect(page.locator('.badge').first().textContent()).resolves.toBe('sandbox');
    await expect(page.locator('label[for=usage-bar]').textContent()).resolves.toBe(
      '180 of 500 minutes used (36%)',
    );
    await shot('billing');
    await page.getByLabel('Number of 1000-minute blocks').fill('3');
    await page.getByRole('button', { name: 'Review purchase' }).click();
    await expect(page.locator('#purchase-price').textContent()).resolves.toBe('$297.00');
    await page.locator('#confirm-purchase').dblclick();
    await page.waitForURL(/purchase=pur_/);
    await expect(page.locator('#purchase-result').textContent()).resolves.toContain(
      'Purchase succeeded: 3000 extra minutes for $297.00',
    );
    const rows = await server.context.storage.db
      .selectFrom('billing_purchases')
      .selectAll()
      .where('account_id', '=', tenant.account.id)
      .execute();
    expect(rows.map((row) => row.blocks)).toStrictEqual([3]);
    await expect(page.locator('label[for=usage-bar]').textContent()).resolves.toContain(
      'of 3500 minutes used',
    );
  });

  test('when the admin selects a plan, then it becomes the current plan', async () => {
    await page.getByRole('button', { name: 'Select the Pro plan' }).click();
    await page.waitForURL(/done=plan/);
    await expect(page.locator('#plan-title').textContent()).resolves.toBe('Current plan: Pro');
    expect((await api(server, 'GET', '/v1/api/account', { apiKey: tenant.apiKey })).body.planId).toBe('pro');
  });

  test('when the admin disconnects an app, then its token gets 401 on the API', async () => {
    const app = await registerClient(server);
    const tokens = (await exchangeCode(server, app, await authorizeCode(server, tenant, app))).body;
    expect((await api(server, 'GET', '/v1/api/usage', { token: tokens.access_token })).status).toBe(200);
    await page.goto(`${base}/account/integrations`);
    const row = page.locator('tr', { hasText: app.name });
    await expect(row.locator('td').nth(2).textContent()).resolves.toMatch(/UTC$/);
    await page.getByRole('button', { name: `Disconnect ${app.name}` }).click();
    await page.waitForURL(/done=disconnected/);
    expect(await page.locator('tr', { hasText: app.name }).count()).toBe(0);
    expect((await api(server, 'GET', '/v1/api/usage', { token: tokens.access_token })).status).toBe(401);
  });

  test('when the admin sends a test event, then it shows in the log, dies after its retries, and Replay delivers it', async () => {
    receiver.setFallback(status(500));
    await api(server, 'POST', '/v1/api/events-gateway/trigger/subscribe', {
      apiKey: tenant.apiKey,
      body: { hookUrl: `${receiver.url}/zap`, triggerName: 'call_completed', provider: 'zapier' },
    });
    await page.reload();
    await page.getByRole('button', { name: 'Send a test call_completed event' }).click();
    await page.waitForURL(/done=tested/);
    // One retry after 1 s of the server's clock, then dead.
    await waitFor('the test delivery to die', async () => {
      server.clock.advance(1500);
      const dead = await api(server, 'GET', '/v1/api/events-gateway/deliveries?status=dead', {
        apiKey: tenant.apiKey,
      });
      return dead.body.data.length === 1;
    });
    await page.getByLabel('Status').selectOption('dead');
    await page.getByRole('button', { name: 'Filter' }).click();
    const delivery = page.locator('#deliveries details').first();
    await delivery.locator('summary').click();
    await expect(delivery.locator('tbody tr').count()).resolves.toBe(2);
    await expect(delivery.locator('tbody tr').first().textContent()).resolves.toContain('500');
    await shot('delivery-log');
    receiver.setFallback(status(200));
    await delivery.getByRole('button', { name: 'Replay' }).click();
    await page.waitForURL(/done=replayed/);
    await waitFor('the replayed delivery to arrive', async () => {
      const delivered = await api(server, 'GET', '/v1/api/events-gateway/deliveries?status=delivered', {
        apiKey: tenant.apiKey,
      });
      return delivered.body.data.length === 1;
    });
    await page.reload();
    await expect(page.locator('#deliveries details .status-delivered').count()).resolves.toBeGreaterThan(0);
  });

  test('when the Integrations tab opens, then both charts render from the aggregate endpoint and the live tail shows events', async () => {
    await page.goto(`${base}/account/integrations`);
    await page.waitForSelector('#deliveries-chart[data-rendered="true"]');
    await page.waitForSelector('#latency-chart[data-rendered="true"]');
    const drawn = await page.evaluate<boolean>(`(() => {
      const canvas = document.getElementById('deliveries-chart');
      const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) return true;
      return false;
    })()`);
    expect(drawn).toBe(true);
    await expect(page.locator('#stats-summary').textContent()).resolves.toMatch(
      /1 delivered, 0 retrying, 0 dead/,
    );
    await page.waitForSelector('#tail li');
    const shown = await page.locator('#tail li').count();
    await api(server, 'PATCH', '/v1/api/account', {
      apiKey: tenant.apiKey,
      body: { adminName: 'Tail Test' },
    });
    // The poll brings the new event in on top, without a reload. (Polled from here: the page's
    // policy refuses the string evaluation page.waitForFunction would use.)
    await waitFor(
      'the new event in the live tail',
      async () => (await page.locator('#tail li').count()) === shown + 1,
    );
    await expect(page.locator('#tail li').first().textContent()).resolves.toContain('account_updated');
    expect(requested).toContain('/account/integrations/stream');
    await shot('integrations');
  });

  test('when the page is 375 px wide, then every tab fits without sideways scrolling', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    for (const tab of ['settings', 'billing', 'integrations']) {
      await page.goto(`${base}/account/${tab}`);
      const width = await page.evaluate<number>('document.documentElement.scrollWidth');
      expect({ tab, width }).toStrictEqual({ tab, width: 375 });
      await shot(`${tab}-375px`);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  test('when the admin signs out, then the pages ask to sign in again', async () => {
    await page.goto(`${base}/account/settings`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${base}/account/sign-in`);
    await page.goto(`${base}/account/billing`);
    expect(page.url()).toBe(`${base}/account/sign-in`);
    expect(problems).toStrictEqual([]);
  });
});
