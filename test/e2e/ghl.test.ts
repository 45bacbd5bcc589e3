import { createServer } from 'node:net';
import { describeWithBrowser, launchBrowser, type TestBrowser } from '../support/browser';
import { GhlStandIn } from '../support/ghlStandIn';
import { postFromGhl, sendUninstall, triggerSubscription } from '../support/ghlWorkflow';
import { api, createTenant, startTestServer, type Tenant, type TestServer } from '../support/server';
import { waitFor } from '../support/waitFor';

/** A port free now: GHL redirects back to PUBLIC_BASE_URL, so the server must know its port before it starts. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describeWithBrowser('GHL marketplace app end to end (stand-in GHL, headless Chromium)', () => {
  let standIn: GhlStandIn;
  let server: TestServer;
  let tenant: Tenant;
  let browser: TestBrowser | undefined;

  beforeAll(async () => {
    standIn = await GhlStandIn.start();
    const port = await freePort();
    server = await startTestServer('sqlite', {
      ...standIn.env(),
      PORT: String(port),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      ATLAS_ALLOW_PRIVATE_HOOK_URLS: 'true',
      DELIVERY_RETRY_SCHEDULE: '200ms,200ms',
      SANDBOX_CALL_SPEED: '1000',
    });
    tenant = await createTenant(server);
    standIn.addContact({
      id: 'ct_e2e',
      locationId: standIn.defaultLocation.id,
      firstName: 'Jordan',
      lastName: 'Lee',
      phone: '+14155550123',
      email: 'jordan@example.com',
      tags: ['website-lead'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server.stop();
    await standIn.close();
  });

  test('when a GHL location installs, links, subscribes, starts a call and uninstalls, then every step reaches GHL as it should', async () => {
    const locationId = standIn.defaultLocation.id;

    // 1–2. Install from Atlas; GHL's chooselocation redirects back; the admin links in the browser.
    browser = await launchBrowser();
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.goto(`${server.context.config.publicBaseUrl}/integrations/ghl/install`);
    await expect(page.locator('h1').textContent()).resolves.toBe(
      `Link GHL location ${standIn.defaultLocation.name} to your Atlas account`,
    );
    await page.fill('#email', tenant.account.adminEmail);
    await page.fill('#password', tenant.password);
    await Promise.all([page.waitForURL(/\/integrations\/ghl\/link$/), page.click('button.allow')]);
    await expect(page.locator('h1').textContent()).resolves.toBe('GHL location linked');

    // 3. Workflows using two Atlas triggers are published.
    for (const key of ['atlas_account_updated', 'atlas_call_completed'])
      expect(
        (
          await postFromGhl(
            server,
            '/integrations/ghl/triggers',
            triggerSubscription(standIn, locationId, key),
          )
        ).status,
      ).toBe(200);

    // 4. An Atlas event arrives at the execute URL with a live bearer.
    await api(server, 'PATCH', '/v1/api/account', {
      apiKey: tenant.apiKey,
      body: { companyName: 'Sunrise Dental Group' },
    });
    const [first] = await standIn.waitForExecutions(1);
    expect(first!.body).toMatchObject({
      triggerName: 'account_updated',
      accountCompanyName: 'Sunrise Dental Group',
    });
    expect(standIn.isLiveAccessToken(first!.token)).toBe(true);

    // 5. The token expires: GHL refuses the event, the token is refreshed and the same event re-sent.
    standIn.expireAccessTokens();
    await api(server, 'PATCH', '/v1/api/account', {
      apiKey: tenant.apiKey,
      body: { companyName: 'Sunrise Dental North' },
    });
    const [, second] = await standIn.waitForExecutions(2);
    expect(standIn.rejected).toHaveLength(1);
    expect((second!.body as { eventId: string }).eventId).toBe(
      (standIn.rejected[0]!.body as { eventId: string }).eventId,
    );
    expect(second!.token).not.toBe(first!.token);
    expect(standIn.isLiveAccessToken(second!.token)).toBe(true);

    // 6. Start a Call with only a contactId: the phone is fetched, the call placed and enriched.
    const started = await postFromGhl(server, '/integrations/ghl/actions/atlas_start_call', {
      data: { campaignId: tenant.campaign.id },
      extras: { locationId, contactId: 'ct_e2e', workflowId: 'wf_call_lead' },
      meta: { key: 'atlas_start_call', version: '1.0' },
    });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({
      phoneNumber: '+14155550123',
      customerName: 'Jordan Lee',
      contactId: 'ct_e2e',
    });
    const callId = started.body.callId as string;
    const call = await waitFor(
      'the sandbox dialer to complete the call',
      async () => {
        server.clock.advance(60_000);
        const read = await api(server, 'GET', `/v1/api/calls/${callId}`, { apiKey: tenant.apiKey });
        return read.body.status === 'completed' ? read.body : undefined;
      },
      20_000,
    );
    expect(call.parameters).toMatchObject({
      ghl_contact_id: 'ct_e2e',
      ghl_first_name: 'Jordan',
      ghl_tags: 'website-lead',
    });

    // 7. call_completed fires into GHL for that contact.
    const completed = await waitFor('call_completed at GHL', async () =>
      standIn.executed.find((e) => (e.body as { triggerName?: string }).triggerName === 'call_completed'),
    );
    expect(completed.body).toMatchObject({ callId, contactId: 'ct_e2e', locationId, status: 'completed' });
    expect(completed.body).toHaveProperty('summary');
    expect(standIn.isLiveAccessToken(completed.token)).toBe(true);

    // 8. UNINSTALL stops everything: no tokens, no subscriptions, no more events or actions.
    expect((await sendUninstall(server, standIn, locationId, 'wh_e2e_uninstall', 'both')).status).toBe(200);
    const executedBefore = standIn.executed.length;
    await api(server, 'PATCH', '/v1/api/account', {
      apiKey: tenant.apiKey,
      body: { companyName: 'After Uninstall' },
    });
    const subscriptions = await api(server, 'GET', '/v1/api/events-gateway/trigger/subscriptions', {
      apiKey: tenant.apiKey,
    });
    expect(subscriptions.body.data).toStrictEqual([]);
    const refused = await postFromGhl(server, '/integrations/ghl/actions/atlas_start_call', {
      data: { campaignId: tenant.campaign.id, reference: 'after-uninstall' },
      extras: { locationId, contactId: 'ct_e2e' },
    });
    expect(refused.status).toBe(403);
    const tokens = await server.context.storage.db.selectFrom('ghl_locations').selectAll().execute();
    expect(tokens).toStrictEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(standIn.executed.length).toBe(executedBefore);
  }, 90_000);
});
