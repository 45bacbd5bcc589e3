import { testEngines } from '../../support/engines';
import { installAndLink } from '../../support/ghlInstall';
import type { GhlStandIn } from '../../support/ghlStandIn';
import { startGhlTestBed, stopGhlTestBed } from '../../support/ghlTestBed';
import { api, type Tenant, type TestServer } from '../../support/server';

describe.each(testEngines())('GHL install/uninstall webhooks on %s', (engine) => {
  let server: TestServer;
  let standIn: GhlStandIn;
  let tenant: Tenant;
  let webhookCounter = 0;

  beforeAll(async () => {
    ({ server, standIn, tenant } = await startGhlTestBed(engine, {}));
  });
  afterAll(() => stopGhlTestBed({ server, standIn }));

  const admin = () => ({ email: tenant.account.adminEmail, password: tenant.password });
  const installed = async (locationId: string) =>
    !!(await server.context.storage.db
      .selectFrom('ghl_locations')
      .select('location_id')
      .where('location_id', '=', locationId)
      .executeTakeFirst());
  const uninstallEvent = (locationId: string, overrides: Record<string, unknown> = {}) =>
    JSON.stringify({
      type: 'UNINSTALL',
      appId: 'app_atlas',
      locationId,
      companyId: 'cmp_standin',
      timestamp: server.clock.now().toISOString(),
      webhookId: `wh_${(webhookCounter += 1)}`,
      ...overrides,
    });
  const post = (body: string, headers: Record<string, string>) =>
    api(server, 'POST', '/integrations/ghl/webhooks', { rawBody: body, headers });

  test('when an UNINSTALL signed with Ed25519 arrives, then the location and its tokens are removed', async () => {
    await installAndLink(server, standIn, admin(), 'loc_wh_1');
    const body = uninstallEvent('loc_wh_1');
    const res = await post(body, standIn.signWebhook(body, 'ed25519'));
    expect(res.status).toBe(200);
    expect(res.body).toStrictEqual({ received: true, duplicate: false });
    expect(await installed('loc_wh_1')).toBe(false);
  });

  test('when only the legacy RSA x-wh-signature is present, then it is verified and applied', async () => {
    await installAndLink(server, standIn, admin(), 'loc_wh_2');
    const body = uninstallEvent('loc_wh_2');
    const res = await post(body, standIn.signWebhook(body, 'rsa'));
    expect(res.status).toBe(200);
    expect(await installed('loc_wh_2')).toBe(false);
  });

  test('when the signature is wrong or missing, then 401 and nothing changes', async () => {
    await installAndLink(server, standIn, admin(), 'loc_wh_3');
    const body = uninstallEvent('loc_wh_3');
    const signedOther = standIn.signWebhook(uninstallEvent('loc_wh_other'), 'both');
    const forged = await post(body, signedOther);
    expect(forged.status).toBe(401);
    expect(forged.body.message).toMatch(/signature does not verify/);
    const unsigned = await post(body, { 'content-type': 'application/json' });
    expect(unsigned.status).toBe(401);
    expect(await installed('loc_wh_3')).toBe(true);
  });

  test('when the timestamp is older than 5 minutes, then 400 and nothing changes', async () => {
    await installAndLink(server, standIn, admin(), 'loc_wh_4');
    const stale = new Date(server.clock.now().getTime() - 6 * 60_000).toISOString();
    const body = uninstallEvent('loc_wh_4', { timestamp: stale });
    const res = await post(body, standIn.signWebhook(body));
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/more than 5 minutes/);
    expect(await installed('loc_wh_4')).toBe(true);
  });

  test('when a webhookId is replayed, then it is acknowledged as a duplicate and changes nothing', async () => {
    await installAndLink(server, standIn, admin(), 'loc_wh_5');
    const body = uninstallEvent('loc_wh_5');
    expect((await post(body, standIn.signWebhook(body))).status).toBe(200);
    await installAndLink(server, standIn, admin(), 'loc_wh_5');
    const replay = await post(body, standIn.signWebhook(body));
    expect(replay.status).toBe(200);
    expect(replay.body).toStrictEqual({ received: true, duplicate: true });
    expect(await installed('loc_wh_5')).toBe(true);
  });

  test('when a signed body is not JSON or lacks webhookId, then 400 says what is missing', async () => {
    const notJson = 'not json';
    expect((await post(notJson, standIn.signWebhook(notJson))).status).toBe(400);
    const body = JSON.stringify({ type: 'INSTALL', timestamp: server.clock.now().toISOString() });
    const res = await post(body, standIn.signWebhook(body));
    expect(res.status).toBe(400);
    expect(res.body.details).toStrictEqual([{ field: 'webhookId', message: 'is required' }]);
  });
});
