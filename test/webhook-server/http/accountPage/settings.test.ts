import { pageGet, pagePost, pageUpload, signIn, type PageClient } from '../../../support/accountPage';
import { testEngines } from '../../../support/engines';
import { HTML_DISGUISED_AS_PNG, JPEG_START, TINY_PNG, WEBP_START } from '../../../support/images';
import { api, createTenant, startTestServer, type Tenant, type TestServer } from '../../../support/server';

describe.each(testEngines())('Account Settings tab (%s)', (engine) => {
  let server: TestServer;
  let tenant: Tenant;
  let client: PageClient;

  const accountUpdatedEvents = async (accountId: string) =>
    (
      await server.context.storage.db
        .selectFrom('events')
        .select('payload')
        .where('account_id', '=', accountId)
        .where('trigger_name', '=', 'account_updated')
        .orderBy('id', 'asc')
        .execute()
    ).map((row) => JSON.parse(row.payload));
  const pictureRows = async (accountId: string) =>
    server.context.storage.db
      .selectFrom('profile_pictures')
      .select('id')
      .where('account_id', '=', accountId)
      .execute();

  beforeAll(async () => {
    server = await startTestServer(engine, { PUBLIC_BASE_URL: 'http://127.0.0.1:1' });
    tenant = await createTenant(server);
    client = await signIn(server, tenant.account.adminEmail, tenant.password);
  });
  afterAll(() => server.stop());

  test('when the admin saves new details, then the API shows them and account_updated names the changed fields', async () => {
    const saved = await pagePost(server, client, '/account/settings', {
      companyName: 'Renamed Co',
      adminName: tenant.account.adminName,
      adminEmail: `NEW.${tenant.account.adminEmail}`,
    });
    expect(saved.status).toBe(303);
    expect(saved.location).toBe('/account/settings?done=saved');
    const account = await api(server, 'GET', '/v1/api/account', { apiKey: tenant.apiKey });
    expect(account.body).toMatchObject({
      companyName: 'Renamed Co',
      adminEmail: `new.${tenant.account.adminEmail}`,
    });
    const events = await accountUpdatedEvents(tenant.account.id);
    expect(events.at(-1).data.changedFields).toStrictEqual(['companyName', 'adminEmail']);
    expect((await pageGet(server, client, saved.location!)).text).toContain(
      'Your account details are saved.',
    );
  });

  test("when a field is invalid, then the API schema's message shows next to it and nothing changes", async () => {
    const before = await accountUpdatedEvents(tenant.account.id);
    const res = await pagePost(server, client, '/account/settings', {
      companyName: '',
      adminName: 'Still Valid',
      adminEmail: 'not-an-email',
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain(
      '<p class="field-error" id="adminEmail-error">Admin email must be a valid email</p>',
    );
    expect(res.text).toMatch(/id="companyName-error">Company name must NOT have fewer than 1 characters/);
    expect(res.text.replace(/\s+/g, ' ')).toContain(
      'value="not-an-email" aria-invalid="true" aria-describedby="adminEmail-error"',
    );
    expect(await accountUpdatedEvents(tenant.account.id)).toHaveLength(before.length);
    expect((await api(server, 'GET', '/v1/api/account', { apiKey: tenant.apiKey })).body.adminName).toBe(
      tenant.account.adminName,
    );
  });

  test('when a field carries a control character, then it is refused with a 400 naming it and nothing changes', async () => {
    const res = await pagePost(server, client, '/account/settings', { companyName: 'Null\u0000Co' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('The companyName field must not contain control characters.');
    expect(
      (await api(server, 'GET', '/v1/api/account', { apiKey: tenant.apiKey })).body.companyName,
    ).not.toContain('\u0000');
  });

  test('when the email belongs to another account, then the conflict shows next to the email field', async () => {
    const other = await createTenant(server);
    const res = await pagePost(server, client, '/account/settings', { adminEmail: other.account.adminEmail });
    expect(res.status).toBe(409);
    expect(res.text).toContain('id="adminEmail-error">Admin email is already in use</p>');
  });

  test.each([
    ['a PNG', 'me.png', 'image/png', TINY_PNG],
    ['a JPEG', 'me.jpg', 'image/jpeg', JPEG_START],
    ['a WebP', 'me.webp', 'image/webp', WEBP_START],
  ])(
    'when the admin uploads %s, then it is stored, served from its own URL as that type, and becomes profilePictureUrl',
    async (_kind, name, type, bytes) => {
      const before = (await accountUpdatedEvents(tenant.account.id)).length;
      // The browser's claimed type is ignored: the bytes decide.
      const res = await pageUpload(server, client, '/account/settings/picture', {
        name,
        type: 'application/octet-stream',
        bytes,
      });
      expect(res.status).toBe(303);
      const account = (await api(server, 'GET', '/v1/api/account', { apiKey: tenant.apiKey })).body;
      expect(account.profilePictureUrl).toMatch(
        /^http:\/\/127\.0\.0\.1:1\/media\/profile-pictures\/pic_[\w-]{24}$/,
      );
      const served = await fetch(server.url + new URL(account.profilePictureUrl).pathname);
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toBe(type);
      expect(served.headers.get('x-content-type-options')).toBe('nosniff');
      expect(served.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
      expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true);
      expect(await pictureRows(tenant.account.id)).toHaveLength(1);
      const events = await accountUpdatedEvents(tenant.account.id);
      expect(events).toHaveLength(before + 1);
      expect(events.at(-1).data.changedFields).toStrictEqual(['profilePictureUrl']);
    },
  );

  test('when the upload is HTML named .png, too large, or missing, then it is refused with a message and nothing is stored', async () => {
    await pagePost(server, client, '/account/settings/picture/remove');
    const disguised = await pageUpload(server, client, '/account/settings/picture', {
      name: 'photo.png',
      type: 'image/png',
      bytes: HTML_DISGUISED_AS_PNG,
    });
    expect(disguised.status).toBe(400);
    expect(disguised.text).toContain('id="picture-error">Picture must be a PNG, JPEG or WebP image</p>');
    const huge = Buffer.concat([TINY_PNG, Buffer.alloc(2 * 1024 * 1024)]);
    const tooLarge = await pageUpload(server, client, '/account/settings/picture', {
      name: 'big.png',
      type: 'image/png',
      bytes: huge,
    });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.text).toContain('Picture must be at most 2 MB');
    const empty = await pageUpload(server, client, '/account/settings/picture', {
      name: 'empty.png',
      type: 'image/png',
      bytes: Buffer.alloc(0),
    });
    expect(empty.status).toBe(400);
    const forged = await pageUpload(
      server,
      client,
      '/account/settings/picture',
      { name: 'me.png', type: 'image/png', bytes: TINY_PNG },
      { csrf: null },
    );
    expect(forged.status).toBe(403);
    expect(await pictureRows(tenant.account.id)).toHaveLength(0);
    expect(
      (await api(server, 'GET', '/v1/api/account', { apiKey: tenant.apiKey })).body.profilePictureUrl,
    ).toBeNull();
  });

  test('when the admin removes the picture, then profilePictureUrl is null and its URL serves nothing', async () => {
    await pageUpload(server, client, '/account/settings/picture', {
      name: 'me.png',
      type: 'image/png',
      bytes: TINY_PNG,
    });
    const url = (await api(server, 'GET', '/v1/api/account', { apiKey: tenant.apiKey })).body
      .profilePictureUrl;
    const removed = await pagePost(server, client, '/account/settings/picture/remove');
    expect(removed.location).toBe('/account/settings?done=picture-removed');
    expect(
      (await api(server, 'GET', '/v1/api/account', { apiKey: tenant.apiKey })).body.profilePictureUrl,
    ).toBeNull();
    expect((await fetch(server.url + new URL(url).pathname)).status).toBe(404);
    const events = await accountUpdatedEvents(tenant.account.id);
    expect(events.at(-1).data).toMatchObject({
      changedFields: ['profilePictureUrl'],
      account: { profilePictureUrl: null },
    });
  });

  test('when the API points profilePictureUrl elsewhere, then the uploaded picture is no longer served', async () => {
    await pageUpload(server, client, '/account/settings/picture', {
      name: 'me.png',
      type: 'image/png',
      bytes: TINY_PNG,
    });
    const url = (await api(server, 'GET', '/v1/api/account', { apiKey: tenant.apiKey })).body
      .profilePictureUrl;
    expect((await fetch(server.url + new URL(url).pathname)).status).toBe(200);
    await api(server, 'PATCH', '/v1/api/account', {
      apiKey: tenant.apiKey,
      body: { profilePictureUrl: 'https://cdn.example.com/me.png' },
    });
    expect((await fetch(server.url + new URL(url).pathname)).status).toBe(404);
    const page = await pageGet(server, client, '/account/settings');
    expect(page.text).toContain('Picture set by URL: https://cdn.example.com/me.png');
    expect(page.text).not.toContain('<img');
  });
});
