import { ghlTriggerCatalog } from '../../../webhook-server/src/ghl/triggerCatalog';
import { testEngines } from '../../support/engines';
import { installAndLink, openInstallCallback } from '../../support/ghlInstall';
import type { GhlStandIn } from '../../support/ghlStandIn';
import { startGhlTestBed, stopGhlTestBed } from '../../support/ghlTestBed';
import { postFromGhl, sendUninstall, triggerSubscription } from '../../support/ghlWorkflow';
import { api, createTenant, type Tenant, type TestServer } from '../../support/server';

describe('GHL trigger catalog', () => {
  test('when the app is defined, then its trigger keys are the stable atlas_<triggerName> keys', () => {
    expect(ghlTriggerCatalog().map((t) => t.key)).toStrictEqual([
      'atlas_minutes_low',
      'atlas_plan_changed',
      'atlas_account_updated',
      'atlas_minutes_purchased',
      'atlas_call_started',
      'atlas_call_completed',
      'atlas_message_received',
      'atlas_message_sent',
    ]);
  });

  test('when a sample is generated, then it is one flat object from the schema example with the contact', () => {
    const sample = ghlTriggerCatalog().find((t) => t.key === 'atlas_plan_changed')!.sample;
    expect(sample).toMatchObject({ previousPlanName: 'Starter', planId: 'pro', direction: 'upgrade' });
    expect(Object.values(sample).every((v) => v === null || typeof v !== 'object')).toBe(true);
    expect(sample).toHaveProperty('contactId');
  });
});

describe.each(testEngines())('GHL trigger subscriptions on %s', (engine) => {
  let server: TestServer;
  let standIn: GhlStandIn;
  let tenant: Tenant;

  beforeAll(async () => {
    ({ server, standIn, tenant } = await startGhlTestBed(engine, {}, 'loc_trg'));
  });
  afterAll(() => stopGhlTestBed({ server, standIn }));

  const subscriptionsOf = async (t: Tenant) =>
    (await api(server, 'GET', '/v1/api/events-gateway/trigger/subscriptions', { apiKey: t.apiKey })).body
      .data;

  test('when a workflow trigger is CREATED, UPDATED and DELETED, then one ghl subscription follows it', async () => {
    const created = triggerSubscription(standIn, 'loc_trg', 'atlas_call_completed');
    const res = await postFromGhl(server, '/integrations/ghl/triggers', created);
    expect(res.status).toBe(200);
    expect(await subscriptionsOf(tenant)).toMatchObject([
      {
        hookUrl: created.triggerData.targetUrl,
        triggerName: 'call_completed',
        campaignId: '*',
        provider: 'ghl',
      },
    ]);

    const updated = triggerSubscription(standIn, 'loc_trg', 'atlas_call_completed', {
      id: created.triggerData.id,
      eventType: 'UPDATED',
      filters: [
        {
          field: 'campaignId',
          id: 'campaignId',
          operator: '==',
          title: 'Campaign',
          type: 'select',
          value: tenant.campaign.id,
        },
      ],
    });
    expect((await postFromGhl(server, '/integrations/ghl/triggers', updated)).status).toBe(200);
    expect(await subscriptionsOf(tenant)).toMatchObject([
      { campaignId: tenant.campaign.id, provider: 'ghl' },
    ]);

    const deleted = { ...updated, triggerData: { ...updated.triggerData, eventType: 'DELETED' } };
    expect((await postFromGhl(server, '/integrations/ghl/triggers', deleted)).status).toBe(200);
    expect(await subscriptionsOf(tenant)).toStrictEqual([]);
  });

  test('when minutes_low carries a threshold filter, then the subscription has that threshold', async () => {
    const body = triggerSubscription(standIn, 'loc_trg', 'atlas_minutes_low', {
      filters: [{ field: 'thresholdMinutes', operator: '==', value: '50' }],
    });
    expect((await postFromGhl(server, '/integrations/ghl/triggers', body)).status).toBe(200);
    expect(await subscriptionsOf(tenant)).toMatchObject([
      { triggerName: 'minutes_low', thresholdMinutes: 50 },
    ]);
    await postFromGhl(server, '/integrations/ghl/triggers', {
      ...body,
      triggerData: { ...body.triggerData, eventType: 'DELETED' },
    });
  });

  test("when targetUrl is not on GHL's trigger-execute URL, then 422 and nothing is subscribed", async () => {
    for (const targetUrl of [
      'https://attacker.example/workflows-marketplace/triggers/execute/a/b',
      `${standIn.url}/contacts/abc`,
      `${standIn.url.replace('http://', 'http://user:pw@')}/workflows-marketplace/triggers/execute/a/b`,
    ]) {
      const res = await postFromGhl(
        server,
        '/integrations/ghl/triggers',
        triggerSubscription(standIn, 'loc_trg', 'atlas_call_started', { targetUrl }),
      );
      expect(res.status).toBe(422);
      expect(res.body.details[0].field).toBe('triggerData.targetUrl');
    }
    expect(await subscriptionsOf(tenant)).toStrictEqual([]);
  });

  test('when the location is installed but not linked, or not installed, then 403 says how to finish', async () => {
    await openInstallCallback(server, standIn, 'loc_unlinked');
    const unlinked = await postFromGhl(
      server,
      '/integrations/ghl/triggers',
      triggerSubscription(standIn, 'loc_unlinked', 'atlas_call_started'),
    );
    expect(unlinked.status).toBe(403);
    expect(unlinked.body.message).toMatch(/not linked to an Atlas account/);
    const unknown = await postFromGhl(
      server,
      '/integrations/ghl/triggers',
      triggerSubscription(standIn, 'loc_nowhere', 'atlas_call_started'),
    );
    expect(unknown.status).toBe(403);
    expect(unknown.body.message).toMatch(/has not installed the Atlas app/);
  });

  test('when the shared secret is missing or wrong, then 401 and nothing is subscribed', async () => {
    const body = triggerSubscription(standIn, 'loc_trg', 'atlas_call_started');
    expect((await postFromGhl(server, '/integrations/ghl/triggers', body, '')).status).toBe(401);
    expect((await postFromGhl(server, '/integrations/ghl/triggers', body, 'wrong-secret')).status).toBe(401);
    expect(await subscriptionsOf(tenant)).toStrictEqual([]);
  });

  test('when a filter or key is one Atlas cannot apply, then 422 names it', async () => {
    const filtered = await postFromGhl(
      server,
      '/integrations/ghl/triggers',
      triggerSubscription(standIn, 'loc_trg', 'atlas_call_started', {
        filters: [{ field: 'country', operator: '==', value: 'USA' }],
      }),
    );
    expect(filtered.status).toBe(422);
    expect(filtered.body.message).toMatch(/cannot filter on "country"/);
    const key = await postFromGhl(
      server,
      '/integrations/ghl/triggers',
      triggerSubscription(standIn, 'loc_trg', 'atlas_nothing'),
    );
    expect(key.status).toBe(422);
    const malformed = await postFromGhl(server, '/integrations/ghl/triggers', { triggerData: { id: 1 } });
    expect(malformed.status).toBe(400);
    expect(await subscriptionsOf(tenant)).toStrictEqual([]);
  });

  test("when another account's campaign or another location's trigger is named, then nothing of theirs is touched", async () => {
    const other = await createTenant(server);
    await installAndLink(
      server,
      standIn,
      { email: other.account.adminEmail, password: other.password },
      'loc_other',
    );
    const foreignCampaign = await postFromGhl(
      server,
      '/integrations/ghl/triggers',
      triggerSubscription(standIn, 'loc_trg', 'atlas_call_started', {
        filters: [{ field: 'campaignId', operator: '==', value: other.campaign.id }],
      }),
    );
    expect(foreignCampaign.status).toBe(422);
    expect(foreignCampaign.body.message).toMatch(/No campaign .* in this account/);
    const theirs = triggerSubscription(standIn, 'loc_other', 'atlas_call_started');
    expect((await postFromGhl(server, '/integrations/ghl/triggers', theirs)).status).toBe(200);
    const hijack = await postFromGhl(server, '/integrations/ghl/triggers', {
      ...theirs,
      triggerData: { ...theirs.triggerData, eventType: 'DELETED' },
      extras: { ...theirs.extras, locationId: 'loc_trg' },
    });
    expect(hijack.status).toBe(404);
    expect(await subscriptionsOf(other)).toHaveLength(1);
    expect(await subscriptionsOf(tenant)).toStrictEqual([]);
  });

  test('when the location uninstalls, then its trigger subscriptions are removed', async () => {
    await installAndLink(
      server,
      standIn,
      { email: tenant.account.adminEmail, password: tenant.password },
      'loc_gone',
    );
    await postFromGhl(
      server,
      '/integrations/ghl/triggers',
      triggerSubscription(standIn, 'loc_gone', 'atlas_plan_changed'),
    );
    expect(await subscriptionsOf(tenant)).toHaveLength(1);
    expect((await sendUninstall(server, standIn, 'loc_gone', 'wh_trg_gone')).status).toBe(200);
    expect(await subscriptionsOf(tenant)).toStrictEqual([]);
    // GHL may still send DELETED for the location's workflows afterwards: acknowledged.
    const late = await postFromGhl(
      server,
      '/integrations/ghl/triggers',
      triggerSubscription(standIn, 'loc_gone', 'atlas_plan_changed', { eventType: 'DELETED' }),
    );
    expect(late.status).toBe(200);
  });
});
