import { TokenCipher } from '../../../../webhook-server/src/ghl/tokenCipher';
import { formatInstant } from '../../../../webhook-server/src/http/account/money';
import { pageGet, pagePost, signIn, type PageClient, type PageResponse } from '../../../support/accountPage';
import { testEngines } from '../../../support/engines';
import { installAndLink } from '../../../support/ghlInstall';
import type { GhlStandIn } from '../../../support/ghlStandIn';
import { startGhlTestBed, stopGhlTestBed } from '../../../support/ghlTestBed';
import { postFromGhl, triggerSubscription } from '../../../support/ghlWorkflow';
import { api, createTenant, type Tenant, type TestServer } from '../../../support/server';
import { waitFor } from '../../../support/waitFor';

describe.each(testEngines())('Connected apps: GHL locations on the Account page (%s)', (engine) => {
  let server: TestServer;
  let standIn: GhlStandIn;
  let tenant: Tenant;
  let intruder: Tenant;
  let client: PageClient;
  let intruderClient: PageClient;

  const link = async (owner: Tenant, locationId: string, name: string) => {
    standIn.issueCode(locationId, name);
    await installAndLink(
      server,
      standIn,
      { email: owner.account.adminEmail, password: owner.password },
      locationId,
    );
  };
  const storedLocation = (locationId: string) =>
    server.context.storage.db
      .selectFrom('ghl_locations')
      .selectAll()
      .where('location_id', '=', locationId)
      .executeTakeFirst();
  /** The cells of a location's row on the Integrations tab, or undefined when it is not listed. */
  const rowOf = (page: PageResponse, locationId: string) =>
    new RegExp(`<tr data-ghl-location="${locationId}">(.*?)</tr>`).exec(page.text)?.[1];
  const startCall = (locationId: string, contactId: string) =>
    postFromGhl(server, '/integrations/ghl/actions/atlas_start_call', {
      data: { campaignId: tenant.campaign.id },
      extras: { locationId, contactId, workflowId: 'wf_page' },
      meta: { key: 'atlas_start_call', version: '1.0' },
    });

  beforeAll(async () => {
    ({ server, standIn, tenant } = await startGhlTestBed(engine, {
      ATLAS_ALLOW_PRIVATE_HOOK_URLS: 'true',
      DELIVERY_RETRY_SCHEDULE: '200ms',
      DELIVERY_TIMEOUT: '2s',
    }));
    intruder = await createTenant(server);
    await link(tenant, 'loc_page_a', 'Harbor Clinic');
    await link(tenant, 'loc_page_b', 'Hillside Clinic');
    await link(intruder, 'loc_page_other', 'Rival Clinic');
    client = await signIn(server, tenant.account.adminEmail, tenant.password);
    intruderClient = await signIn(server, intruder.account.adminEmail, intruder.password);
  });
  afterAll(() => stopGhlTestBed({ server, standIn }));

  test("when the account has linked GHL locations, then Connected apps lists each with its id, link time and last use, and no other account's location or token", async () => {
    const linkedA = (await storedLocation('loc_page_a'))!;
    let page = await pageGet(server, client, '/account/integrations');
    expect(rowOf(page, 'loc_page_a')).toContain('<td>Harbor Clinic</td> <td><code>loc_page_a</code></td>');
    expect(rowOf(page, 'loc_page_a')).toContain(`<td>${formatInstant(linkedA.linked_at)}</td> <td>—</td>`);
    expect(rowOf(page, 'loc_page_b')).toContain('<td>Hillside Clinic</td>');
    expect(rowOf(page, 'loc_page_other')).toBeUndefined();
    expect(page.text).not.toContain('Rival Clinic');
    const cipher = new TokenCipher(server.context.config.ghl!.tokenEncryptionKey);
    for (const secret of [
      linkedA.access_token,
      linkedA.refresh_token,
      cipher.open(linkedA.access_token, 'loc_page_a:access'),
      cipher.open(linkedA.refresh_token, 'loc_page_a:refresh'),
    ])
      expect(page.text).not.toContain(secret);

    // A workflow publishes a trigger: that is a use.
    server.clock.advance(2 * 60_000);
    const published = server.clock.now().toISOString();
    const trigger = triggerSubscription(standIn, 'loc_page_a', 'atlas_account_updated');
    expect((await postFromGhl(server, '/integrations/ghl/triggers', trigger)).status).toBe(200);
    page = await pageGet(server, client, '/account/integrations');
    expect(rowOf(page, 'loc_page_a')).toContain(`<td>${formatInstant(published)}</td> <td> <form`);

    // An Atlas event delivered into that workflow later is the newer use.
    server.clock.advance(2 * 60_000);
    const delivered = server.clock.now().toISOString();
    const executed = standIn.executed.length;
    await api(server, 'PATCH', '/v1/api/account', {
      apiKey: tenant.apiKey,
      body: { adminName: 'Page Test' },
    });
    await standIn.waitForExecutions(executed + 1);
    // The attempt is recorded once GHL's answer is in.
    await waitFor('the delivery into GHL to be recorded', async () => {
      const list = await api(server, 'GET', '/v1/api/events-gateway/deliveries?status=delivered', {
        apiKey: tenant.apiKey,
      });
      return list.body.data.length === 1;
    });
    page = await pageGet(server, client, '/account/integrations');
    expect(rowOf(page, 'loc_page_a')).toContain(`<td>${formatInstant(delivered)}</td> <td> <form`);

    // A call started by the other location's workflow action is its first use.
    server.clock.advance(2 * 60_000);
    const called = server.clock.now().toISOString();
    standIn.addContact({ id: 'ct_page', locationId: 'loc_page_b', firstName: 'Ana', phone: '+14155550199' });
    expect((await startCall('loc_page_b', 'ct_page')).status).toBe(201);
    page = await pageGet(server, client, '/account/integrations');
    expect(rowOf(page, 'loc_page_b')).toContain(`<td>${formatInstant(called)}</td> <td> <form`);
  });

  test('when the admin disconnects a location, then its tokens and subscriptions are gone, GHL is refused for it, and the other locations stay', async () => {
    await link(tenant, 'loc_page_c', 'Lakeside Clinic');
    const trigger = triggerSubscription(standIn, 'loc_page_c', 'atlas_call_completed');
    expect((await postFromGhl(server, '/integrations/ghl/triggers', trigger)).status).toBe(200);
    const subscriptionIds = async () =>
      (
        await api(server, 'GET', '/v1/api/events-gateway/trigger/subscriptions', { apiKey: tenant.apiKey })
      ).body.data.map((s: { hookUrl: string }) => s.hookUrl);
    expect(await subscriptionIds()).toContain(trigger.triggerData.targetUrl);

    await pageGet(server, client, '/account/integrations');
    const res = await pagePost(server, client, '/account/integrations/ghl-locations/loc_page_c/disconnect');
    expect(res.status).toBe(303);
    expect(res.location).toBe('/account/integrations?done=ghl-disconnected');

    expect(await storedLocation('loc_page_c')).toBeUndefined();
    const triggers = await server.context.storage.db
      .selectFrom('ghl_trigger_subscriptions')
      .selectAll()
      .where('location_id', '=', 'loc_page_c')
      .execute();
    expect(triggers).toStrictEqual([]);
    expect(await subscriptionIds()).not.toContain(trigger.triggerData.targetUrl);
    standIn.addContact({ id: 'ct_gone', locationId: 'loc_page_c', phone: '+14155550188' });
    expect((await startCall('loc_page_c', 'ct_gone')).status).toBe(403);

    const page = await pageGet(server, client, res.location!);
    expect(page.text).toContain('The GHL location is disconnected');
    expect(rowOf(page, 'loc_page_c')).toBeUndefined();
    expect(rowOf(page, 'loc_page_a')).toContain('Harbor Clinic');
    expect((await storedLocation('loc_page_other'))?.account_id).toBe(intruder.account.id);
  });

  test("when another account's or an unknown location id is posted, then the answer is 404 and nothing changes", async () => {
    await pageGet(server, intruderClient, '/account/integrations');
    for (const locationId of ['loc_page_a', 'loc_page_never_installed']) {
      const res = await pagePost(
        server,
        intruderClient,
        `/account/integrations/ghl-locations/${locationId}/disconnect`,
      );
      expect({ locationId, status: res.status }).toStrictEqual({ locationId, status: 404 });
      expect(res.text).toContain('Not found in this account');
    }
    const kept = await storedLocation('loc_page_a');
    expect(kept?.account_id).toBe(tenant.account.id);
    expect(
      rowOf(await pageGet(server, intruderClient, '/account/integrations'), 'loc_page_a'),
    ).toBeUndefined();
  });

  test('when the disconnect form comes without the session’s CSRF token, then it is refused with 403 and the location stays', async () => {
    await pageGet(server, client, '/account/integrations');
    for (const csrf of [null, 'not-the-token']) {
      const res = await pagePost(
        server,
        client,
        '/account/integrations/ghl-locations/loc_page_b/disconnect',
        {},
        { csrf },
      );
      expect({ csrf, status: res.status }).toStrictEqual({ csrf, status: 403 });
      expect(res.text).toContain('This form has expired');
    }
    expect((await storedLocation('loc_page_b'))?.account_id).toBe(tenant.account.id);
  });
});
