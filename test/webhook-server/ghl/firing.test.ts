import { testEngines } from '../../support/engines';

import type { GhlStandIn } from '../../support/ghlStandIn';
import { installAndLink } from '../../support/ghlInstall';
import { startGhlTestBed, stopGhlTestBed } from '../../support/ghlTestBed';
import { postFromGhl, sendUninstall, triggerSubscription } from '../../support/ghlWorkflow';
import { api, createTenant, type Tenant, type TestServer } from '../../support/server';
import { waitFor } from '../../support/waitFor';

describe.each(testEngines())('firing Atlas events into GHL on %s', (engine) => {
  let server: TestServer;
  let standIn: GhlStandIn;
  let tenant: Tenant;

  beforeAll(async () => {
    ({ server, standIn, tenant } = await startGhlTestBed(
      engine,
      {
        ATLAS_ALLOW_PRIVATE_HOOK_URLS: 'true',
        DELIVERY_RETRY_SCHEDULE: '200ms,200ms',
        DELIVERY_TIMEOUT: '2s',
      },
      'loc_fire',
    ));
  });
  afterAll(() => stopGhlTestBed({ server, standIn }));

  const renameCompany = (companyName: string) =>
    api(server, 'PATCH', '/v1/api/account', { apiKey: tenant.apiKey, body: { companyName } });
  const deliveries = async () =>
    (await api(server, 'GET', '/v1/api/events-gateway/deliveries', { apiKey: tenant.apiKey })).body
      .data as Array<{
      id: string;
      status: string;
      lastError: string | null;
    }>;

  test('when an event fires, then GHL gets one flat object with a live bearer, and after a 401 a refreshed one', async () => {
    const trigger = triggerSubscription(standIn, 'loc_fire', 'atlas_account_updated');
    expect((await postFromGhl(server, '/integrations/ghl/triggers', trigger)).status).toBe(200);

    expect((await renameCompany('Sunrise Dental Group')).status).toBe(200);
    const [first] = await standIn.waitForExecutions(1);
    expect(first!.path).toBe(new URL(trigger.triggerData.targetUrl).pathname);
    expect(first!.version).toBe('2021-04-15');
    expect(standIn.isLiveAccessToken(first!.token)).toBe(true);
    expect(first!.body).toMatchObject({
      triggerName: 'account_updated',
      accountId: tenant.account.id,
      accountCompanyName: 'Sunrise Dental Group',
      changedFields: 'companyName',
      contactId: null,
      locationId: 'loc_fire',
    });
    expect(Object.values(first!.body as object).every((v) => v === null || typeof v !== 'object')).toBe(true);

    standIn.expireAccessTokens();
    expect((await renameCompany('Sunrise Dental North')).status).toBe(200);
    const [, second] = await standIn.waitForExecutions(2);
    expect(second!.token).not.toBe(first!.token);
    expect(standIn.isLiveAccessToken(second!.token)).toBe(true);
    expect(second!.body).toMatchObject({ accountCompanyName: 'Sunrise Dental North' });
    await waitFor('both deliveries delivered', async () => {
      const all = await deliveries();
      return all.length === 2 && all.every((d) => d.status === 'delivered');
    });
  });

  test('when a provider ghl subscription was not made by the GHL app, then no token is sent and it dead-letters', async () => {
    const other = await createTenant(server);
    const hookUrl = `${standIn.url}/workflows-marketplace/triggers/execute/app_atlas/forged`;
    const subscribed = await api(server, 'POST', '/v1/api/events-gateway/trigger/subscribe', {
      apiKey: other.apiKey,
      body: { hookUrl, triggerName: 'account_updated', provider: 'ghl' },
    });
    expect(subscribed.status).toBe(201);
    const executedBefore = standIn.executed.length;
    await api(server, 'PATCH', '/v1/api/account', {
      apiKey: other.apiKey,
      body: { companyName: 'Forger Inc' },
    });
    const dead = await waitFor('the forged delivery to die', async () => {
      server.clock.advance(1000);
      const list = (await api(server, 'GET', '/v1/api/events-gateway/deliveries', { apiKey: other.apiKey }))
        .body.data;
      return list[0]?.status === 'dead' ? list[0] : undefined;
    });
    expect(dead.lastError).toMatch(/not made by the GHL app/);
    expect(standIn.executed.length).toBe(executedBefore);
  });

  test("when a GHL action starts a call, then its call_completed reaches only that location's workflows, with the contact", async () => {
    await installAndLink(
      server,
      standIn,
      { email: tenant.account.adminEmail, password: tenant.password },
      'loc_fire_b',
    );
    standIn.addContact({ id: 'ct_fire', locationId: 'loc_fire', firstName: 'Ada', phone: '+14155550142' });
    const targets: Record<string, string> = {};
    for (const locationId of ['loc_fire', 'loc_fire_b']) {
      const trigger = triggerSubscription(standIn, locationId, 'atlas_call_completed');
      targets[locationId] = new URL(trigger.triggerData.targetUrl).pathname;
      expect((await postFromGhl(server, '/integrations/ghl/triggers', trigger)).status).toBe(200);
    }
    const started = await postFromGhl(server, '/integrations/ghl/actions/atlas_start_call', {
      data: { campaignId: tenant.campaign.id },
      extras: { locationId: 'loc_fire', contactId: 'ct_fire', workflowId: 'wf_fire' },
    });
    expect(started.status).toBe(201);
    const direct = await api(server, 'POST', '/v1/api/calls', {
      apiKey: tenant.apiKey,
      body: { campaignId: tenant.campaign.id, phoneNumber: '+14155550143' },
    });
    const completedAt = (path: string, callId: string) =>
      standIn.executed.find((e) => e.path === path && (e.body as { callId?: string }).callId === callId);
    await waitFor(
      'both calls completed into GHL',
      async () => {
        server.clock.advance(60_000);
        return (
          !!completedAt(targets.loc_fire!, started.body.callId) &&
          !!completedAt(targets.loc_fire!, direct.body.id) &&
          !!completedAt(targets.loc_fire_b!, direct.body.id)
        );
      },
      20_000,
    );
    expect(completedAt(targets.loc_fire!, started.body.callId)!.body).toMatchObject({
      contactId: 'ct_fire',
      locationId: 'loc_fire',
    });
    expect(completedAt(targets.loc_fire_b!, direct.body.id)!.body).toMatchObject({
      contactId: null,
      locationId: 'loc_fire_b',
    });
    expect(completedAt(targets.loc_fire_b!, started.body.callId)).toBeUndefined();
  });

  test("when GHL refuses a location's tokens, then its deliveries retry and dead-letter, and replay after a reinstall", async () => {
    await installAndLink(
      server,
      standIn,
      { email: tenant.account.adminEmail, password: tenant.password },
      'loc_replay',
    );
    const trigger = triggerSubscription(standIn, 'loc_replay', 'atlas_account_updated');
    expect((await postFromGhl(server, '/integrations/ghl/triggers', trigger)).status).toBe(200);
    standIn.revokeLocationTokens('loc_replay');
    expect((await renameCompany('Replay Dental')).status).toBe(200);
    const ours = async () =>
      (await deliveries()).find((d) => (d as { hookUrl?: string }).hookUrl === trigger.triggerData.targetUrl);
    const dead = await waitFor(
      'the refused delivery to dead-letter',
      async () => {
        server.clock.advance(1000);
        const found = await ours();
        return found?.status === 'dead' ? found : undefined;
      },
      15_000,
    );
    expect(dead.lastError).toMatch(/refreshing the GHL token failed/);

    await installAndLink(
      server,
      standIn,
      { email: tenant.account.adminEmail, password: tenant.password },
      'loc_replay',
    );
    const replay = await api(server, 'POST', `/v1/api/events-gateway/deliveries/${dead.id}/replay`, {
      apiKey: tenant.apiKey,
    });
    expect(replay.status).toBe(200);
    const delivered = await waitFor('the replay to reach GHL', async () =>
      standIn.executed.find((e) => e.path === new URL(trigger.triggerData.targetUrl).pathname),
    );
    expect(delivered.body).toMatchObject({ accountCompanyName: 'Replay Dental', locationId: 'loc_replay' });
    expect(standIn.isLiveAccessToken(delivered.token)).toBe(true);
    await waitFor('the replayed delivery to be recorded', async () => (await ours())?.status === 'delivered');
    const deleted = { ...trigger, triggerData: { ...trigger.triggerData, eventType: 'DELETED' } };
    expect((await postFromGhl(server, '/integrations/ghl/triggers', deleted)).status).toBe(200);
  });

  test('when the location is uninstalled, then its workflows get nothing more', async () => {
    const executedBefore = standIn.executed.length;
    const deliveriesBefore = (await deliveries()).length;
    expect((await sendUninstall(server, standIn, 'loc_fire', 'wh_fire_gone')).status).toBe(200);
    expect((await renameCompany('After Uninstall')).status).toBe(200);
    expect(await deliveries()).toHaveLength(deliveriesBefore);
    expect(standIn.executed.length).toBe(executedBefore);
  });
});
