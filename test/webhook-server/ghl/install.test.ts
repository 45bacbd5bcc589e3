import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  RootOperationNode,
} from 'kysely';
import { ColumnUpdateNode, UpdateQueryNode } from 'kysely';
import { fetchContact, locationClient } from '../../../webhook-server/src/ghl/apiClient';
import { TokenCipher } from '../../../webhook-server/src/ghl/tokenCipher';
import { GhlTokenStore } from '../../../webhook-server/src/ghl/tokens';
import { testEngines } from '../../support/engines';
import { openForm, registerClient, submitForm } from '../../support/oauth';
import { installAndLink, openInstallCallback, submitLinkForm } from '../../support/ghlInstall';
import { GHL_CLIENT, type GhlStandIn } from '../../support/ghlStandIn';
import { startGhlTestBed, stopGhlTestBed } from '../../support/ghlTestBed';
import { createTenant, type Tenant, type TestServer } from '../../support/server';

/** Fails the first write of new tokens, as a crash between GHL's answer and the save would. */
class FailFirstTokenWrite implements KyselyPlugin {
  failed = false;
  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
    if (
      !this.failed &&
      UpdateQueryNode.is(node) &&
      node.updates?.some(
        (u) =>
          ColumnUpdateNode.is(u) &&
          (u.column as { column?: { name?: string } }).column?.name === 'refresh_token',
      )
    ) {
      this.failed = true;
      throw new Error('simulated crash before the rotated token was saved');
    }
    return node;
  }
  async transformResult({ result }: PluginTransformResultArgs) {
    return result;
  }
}

describe.each(testEngines())('GHL install on %s', (engine) => {
  let server: TestServer;
  let standIn: GhlStandIn;
  let tenant: Tenant;

  beforeAll(async () => {
    ({ server, standIn, tenant } = await startGhlTestBed(engine, {}));
  });
  afterAll(() => stopGhlTestBed({ server, standIn }));

  const storedRow = (locationId: string) =>
    server.context.storage.db
      .selectFrom('ghl_locations')
      .selectAll()
      .where('location_id', '=', locationId)
      .executeTakeFirst();
  const cipher = () => new TokenCipher(server.context.config.ghl!.tokenEncryptionKey);

  test('when the install starts from Atlas, then it redirects to GHL chooselocation with the callback and scopes', async () => {
    const res = await fetch(`${server.url}/integrations/ghl/install`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(`${standIn.url}/oauth/chooselocation`);
    expect(Object.fromEntries(location.searchParams)).toStrictEqual({
      response_type: 'code',
      redirect_uri: `${server.context.config.publicBaseUrl}/integrations/ghl/oauth/callback`,
      client_id: GHL_CLIENT.id,
      scope: 'contacts.readonly locations.readonly workflows.readonly',
    });
    const asJson = await fetch(`${server.url}/integrations/ghl/install`, {
      headers: { accept: 'application/json' },
    });
    expect(await asJson.json()).toStrictEqual({ url: location.toString() });
  });

  test('when GHL redirects with a code and the admin signs in, then the location is linked and its tokens are sealed', async () => {
    const form = await openInstallCallback(server, standIn, 'loc_install_1', 'Bright Smiles');
    expect(form.status).toBe(200);
    expect(form.html).toContain('Link GHL location <em>Bright Smiles</em> to your Atlas account');
    expect(standIn.tokenRequests.at(-1)).toStrictEqual({
      grantType: 'authorization_code',
      userType: 'Location',
    });
    const pending = await storedRow('loc_install_1');
    expect(pending?.account_id).toBeNull();

    const linked = await submitLinkForm(form, tenant.account.adminEmail, tenant.password);
    expect(linked.status).toBe(200);
    expect(linked.html).toContain(
      `is linked to the Atlas account <strong>${tenant.account.companyName}</strong>`,
    );
    const row = await storedRow('loc_install_1');
    expect(row?.account_id).toBe(tenant.account.id);
    expect(row?.access_token).toMatch(/^v1\./);
    const access = cipher().open(row!.access_token, 'loc_install_1:access');
    expect(standIn.isLiveAccessToken(access)).toBe(true);
    expect(standIn.refreshTokenWorks(cipher().open(row!.refresh_token, 'loc_install_1:refresh'))).toBe(true);
  });

  test('when the password is wrong, then the page says so and nothing is linked', async () => {
    const form = await openInstallCallback(server, standIn, 'loc_install_2');
    const res = await submitLinkForm(form, tenant.account.adminEmail, 'wrong-password');
    expect(res.status).toBe(401);
    expect(res.html).toContain('The email or password is not correct.');
    expect((await storedRow('loc_install_2'))?.account_id).toBeNull();
  });

  test('when the form is posted without the browser cookie it was issued for, then 403 and nothing is linked', async () => {
    const form = await openInstallCallback(server, standIn, 'loc_install_3');
    const res = await submitLinkForm(form, tenant.account.adminEmail, tenant.password, '');
    expect(res.status).toBe(403);
    const tampered = await submitLinkForm(
      { ...form, fields: { ...form.fields, locationId: 'loc_install_1' } },
      tenant.account.adminEmail,
      tenant.password,
    );
    expect(tampered.status).toBe(403);
    expect((await storedRow('loc_install_3'))?.account_id).toBeNull();
  });

  test('when a location linked to one account is linked by another, then 409 and it stays with the first', async () => {
    const other = await createTenant(server);
    await installAndLink(
      server,
      standIn,
      { email: tenant.account.adminEmail, password: tenant.password },
      'loc_install_4',
    );
    // A reinstall of a linked location shows it as linked; a forged second link is refused.
    const again = await openInstallCallback(server, standIn, 'loc_install_4');
    expect(again.html).toContain('is linked to the Atlas account');
    // A second browser got the link page before the first admin finished linking.
    const form = await openInstallCallback(server, standIn, 'loc_install_4');
    expect(form.fields.locationId).toBeUndefined();
    const late = await openInstallCallback(server, standIn, 'loc_install_5');
    await installAndLink(
      server,
      standIn,
      { email: tenant.account.adminEmail, password: tenant.password },
      'loc_install_5',
    );
    const stolen = await submitLinkForm(late, other.account.adminEmail, other.password);
    expect(stolen.status).toBe(409);
    expect(stolen.html).toContain('already linked to another Atlas account');
    expect((await storedRow('loc_install_5'))?.account_id).toBe(tenant.account.id);
  });

  test('when sign-ins fail on the link page, then they spend the same budget as the OAuth sign-in form', async () => {
    const locked = await createTenant(server);
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const form = await openInstallCallback(server, standIn, `loc_limit_${attempt}`);
      expect((await submitLinkForm(form, locked.account.adminEmail, 'wrong-password')).status).toBe(401);
    }
    const client = await registerClient(server);
    const session = await openForm(server, client);
    const oauth = await submitForm(server, session, {
      email: locked.account.adminEmail,
      password: locked.password,
      decision: 'allow',
    });
    expect(oauth.status).toBe(429);
    expect(oauth.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  test('when GHL refuses the code, then a 400 page says to start again', async () => {
    const res = await fetch(`${server.url}/integrations/ghl/oauth/callback?code=unknown`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('GHL did not accept this install code');
  });

  test('when the access token nears expiry, then it is refreshed once and the rotated refresh token is kept', async () => {
    await installAndLink(
      server,
      standIn,
      { email: tenant.account.adminEmail, password: tenant.password },
      'loc_refresh_1',
    );
    const store = new GhlTokenStore(server.context.storage.db, server.clock, server.context.config.ghl!);
    const first = await store.accessToken('loc_refresh_1');
    expect(await store.accessToken('loc_refresh_1')).toBe(first);
    const refreshes = standIn.tokenRequests.filter((r) => r.grantType === 'refresh_token').length;
    server.clock.advance(86_399_000 - 60_000);
    const [a, b] = await Promise.all([
      store.accessToken('loc_refresh_1'),
      store.accessToken('loc_refresh_1'),
    ]);
    expect(a).toBe(b);
    expect(a).not.toBe(first);
    expect(standIn.tokenRequests.filter((r) => r.grantType === 'refresh_token').length).toBe(refreshes + 1);
    const row = await storedRow('loc_refresh_1');
    expect(standIn.refreshTokenWorks(cipher().open(row!.refresh_token, 'loc_refresh_1:refresh'))).toBe(true);
  });

  test('when GHL answers 401, then the token is refreshed and the request retried with the new one', async () => {
    await installAndLink(
      server,
      standIn,
      { email: tenant.account.adminEmail, password: tenant.password },
      'loc_401',
    );
    standIn.addContact({ id: 'ct_401', locationId: 'loc_401', firstName: 'Ada', phone: '+14155550100' });
    const store = new GhlTokenStore(server.context.storage.db, server.clock, server.context.config.ghl!);
    standIn.expireAccessTokens();
    const http = locationClient(server.context.config.ghl!, store, 'loc_401');
    await expect(fetchContact(http, 'ct_401')).resolves.toMatchObject({
      id: 'ct_401',
      phone: '+14155550100',
    });
    expect(standIn.isLiveAccessToken(await store.accessToken('loc_401'))).toBe(true);
  });

  test('when a crash comes between GHL rotating the refresh token and saving it, then no dead token is left', async () => {
    await installAndLink(
      server,
      standIn,
      { email: tenant.account.adminEmail, password: tenant.password },
      'loc_crash',
    );
    const plugin = new FailFirstTokenWrite();
    const store = new GhlTokenStore(
      server.context.storage.db.withPlugin(plugin),
      server.clock,
      server.context.config.ghl!,
    );
    const before = await storedRow('loc_crash');
    const oldRefresh = cipher().open(before!.refresh_token, 'loc_crash:refresh');
    standIn.expireAccessTokens();
    const token = await store.refreshAfterRejection(
      'loc_crash',
      cipher().open(before!.access_token, 'loc_crash:access'),
    );
    expect(plugin.failed).toBe(true);
    expect(standIn.refreshTokenWorks(oldRefresh)).toBe(false);
    const after = await storedRow('loc_crash');
    expect(cipher().open(after!.access_token, 'loc_crash:access')).toBe(token);
    expect(standIn.refreshTokenWorks(cipher().open(after!.refresh_token, 'loc_crash:refresh'))).toBe(true);
  });
});
