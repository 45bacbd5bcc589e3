import fs from 'node:fs';
import path from 'node:path';
import { describeWithBrowser, launchBrowser, type TestBrowser } from '../support/browser';
import { installAndLink } from '../support/ghlInstall';
import { startGhlTestBed, stopGhlTestBed, type GhlTestBed } from '../support/ghlTestBed';
import { postFromGhl, triggerSubscription } from '../support/ghlWorkflow';
import { api } from '../support/server';
import { waitFor } from '../support/waitFor';

const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts', 'account-page');
const LOCATION = 'loc_browser_1';
const LOCATION_NAME = 'Harbor Clinic';

describeWithBrowser(
  'GHL locations on the Account page in a real browser (stand-in GHL, headless Chromium)',
  () => {
    let bed: GhlTestBed;
    let browser: TestBrowser | undefined;
    const problems: string[] = [];

    beforeAll(async () => {
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      bed = await startGhlTestBed('sqlite', { ATLAS_ALLOW_PRIVATE_HOOK_URLS: 'true' });
      const { server, standIn, tenant } = bed;
      standIn.issueCode(LOCATION, LOCATION_NAME);
      await installAndLink(
        server,
        standIn,
        { email: tenant.account.adminEmail, password: tenant.password },
        LOCATION,
      );
    });
    afterAll(async () => {
      await browser?.close();
      await stopGhlTestBed(bed ?? {});
    });

    test('when the admin disconnects a linked GHL location, then it leaves Connected apps and GHL can no longer use it', async () => {
      const { server, standIn, tenant } = bed;
      const trigger = triggerSubscription(standIn, LOCATION, 'atlas_account_updated');
      expect((await postFromGhl(server, '/integrations/ghl/triggers', trigger)).status).toBe(200);

      browser = await launchBrowser();
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      page.on('pageerror', (error) => problems.push(error.message));
      await page.goto(`${server.url}/account`);
      await page.getByLabel('Admin email').fill(tenant.account.adminEmail);
      await page.getByLabel('Password').fill(tenant.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${server.url}/account/settings`);
      await page.getByRole('link', { name: 'Integrations' }).click();
      await page.waitForURL(`${server.url}/account/integrations`);

      const row = page.locator(`tr[data-ghl-location="${LOCATION}"]`);
      await expect(row.locator('td').nth(0).textContent()).resolves.toBe(LOCATION_NAME);
      await expect(row.locator('td').nth(1).textContent()).resolves.toBe(LOCATION);
      await expect(row.locator('td').nth(3).textContent()).resolves.toMatch(/UTC$/);
      await page.screenshot({ path: path.join(ARTIFACTS, 'integrations-ghl.png'), fullPage: true });
      // At 375 px the table scrolls inside its box; the page itself does not scroll sideways. The
      // charts' canvases follow a resize a frame or two later (Chart.js watches their box), so
      // the width is read once the page has settled. Polled from here: page.waitForFunction
      // evaluates its string in the page, which the page's policy refuses (a CSP error, caught
      // below as a page error, whenever the first check did not already hold).
      await page.setViewportSize({ width: 375, height: 800 });
      const scrollWidth = () => page.evaluate<number>('document.documentElement.scrollWidth');
      await waitFor('the page to settle at 375 px', async () => (await scrollWidth()) === 375, 5_000).catch(
        () => undefined, // the expectation below says what width it settled at
      );
      expect(await scrollWidth()).toBe(375);
      await page.setViewportSize({ width: 1280, height: 900 });

      await page.getByRole('button', { name: `Disconnect GHL location ${LOCATION_NAME}` }).click();
      await page.waitForURL(/done=ghl-disconnected/);
      await expect(page.locator('[role=status]').first().textContent()).resolves.toContain(
        'The GHL location is disconnected',
      );
      expect(await page.locator(`tr[data-ghl-location="${LOCATION}"]`).count()).toBe(0);

      // GHL's next requests for the location are refused, and Atlas has nothing left to send it.
      const refused = await postFromGhl(server, '/integrations/ghl/actions/atlas_start_call', {
        data: { campaignId: tenant.campaign.id },
        extras: { locationId: LOCATION, contactId: 'ct_any' },
      });
      expect(refused.status).toBe(403);
      const hooks = await api(server, 'GET', '/v1/api/events-gateway/trigger/subscriptions', {
        apiKey: tenant.apiKey,
      });
      expect(hooks.body.data).toStrictEqual([]);
      expect(await server.context.storage.db.selectFrom('ghl_locations').selectAll().execute()).toStrictEqual(
        [],
      );
      expect(problems).toStrictEqual([]);
    }, 60_000);
  },
);
