import { testEngines } from '../../../support/engines';
import {
  authorizeCode,
  exchangeCode,
  refresh,
  registerClient,
  type TestClient,
} from '../../../support/oauth';
import { api, createTenant, startTestServer, type Tenant, type TestServer } from '../../../support/server';

describe.each(testEngines())('the refresh token reuse interval on %s', (engine) => {
  let server: TestServer;
  let tenant: Tenant;
  let client: TestClient;
  let otherClient: TestClient;

  beforeAll(async () => {
    server = await startTestServer(engine);
    tenant = await createTenant(server);
    client = await registerClient(server);
    otherClient = await registerClient(server, ['https://other.example.com/cb']);
  });
  afterAll(() => server.stop());

  const connect = async () =>
    (await exchangeCode(server, client, await authorizeCode(server, tenant, client))).body;
  const accountStatus = async (accessToken: string) =>
    (await api(server, 'GET', '/v1/api/account', { token: accessToken })).status;

  test('when ten workers refresh one token at once, then all get the same new tokens and those keep working', async () => {
    const first = await connect();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => refresh(server, client, first.refresh_token)),
    );
    expect(answers.map((a) => a.status)).toStrictEqual(Array(10).fill(200));
    const successors = new Set(answers.map((a) => `${a.body.access_token} ${a.body.refresh_token}`));
    expect(successors.size).toBe(1);
    const successor = answers[0]!.body;
    expect(successor.refresh_token).not.toBe(first.refresh_token);
    expect(await accountStatus(successor.access_token)).toBe(200);
    const next = await refresh(server, client, successor.refresh_token);
    expect(next.status).toBe(200);
    expect(await accountStatus(next.body.access_token)).toBe(200);
  });

  test('when the rotated token is presented again within 30 s, then the same successor comes back', async () => {
    const first = await connect();
    const second = await refresh(server, client, first.refresh_token);
    server.clock.advance(29_000);
    const again = await refresh(server, client, first.refresh_token);
    expect(again.status).toBe(200);
    expect(again.body).toStrictEqual(second.body);
    expect(again.headers.get('cache-control')).toBe('no-store');
    expect(await accountStatus(second.body.access_token)).toBe(200);
  });

  test('when the rotated token is presented after 30 s, then the whole family is revoked', async () => {
    const first = await connect();
    const second = (await refresh(server, client, first.refresh_token)).body;
    server.clock.advance(31_000);
    const reused = await refresh(server, client, first.refresh_token);
    expect(reused.status).toBe(400);
    expect(reused.body.error).toBe('invalid_grant');
    expect(await accountStatus(second.access_token)).toBe(401);
    expect((await refresh(server, client, second.refresh_token)).status).toBe(400);
  });

  test('when another client presents the just-rotated token, then invalid_grant and the successor is not shown', async () => {
    const first = await connect();
    const second = (await refresh(server, client, first.refresh_token)).body;
    const stolen = await refresh(server, otherClient, first.refresh_token);
    expect(stolen.status).toBe(400);
    expect(stolen.body.error).toBe('invalid_grant');
    expect(JSON.stringify(stolen.body)).not.toContain(second.refresh_token);
  });

  test('when the successor was already rotated, then the old token gets invalid_grant, not the stale pair', async () => {
    const first = await connect();
    const second = (await refresh(server, client, first.refresh_token)).body;
    const third = (await refresh(server, client, second.refresh_token)).body;
    const late = await refresh(server, client, first.refresh_token);
    expect(late.status).toBe(400);
    expect(late.body.error).toBe('invalid_grant');
    expect(await accountStatus(third.access_token)).toBe(200);
  });

  test('when a token is rotated, then the database holds its successor only sealed', async () => {
    const first = await connect();
    const second = (await refresh(server, client, first.refresh_token)).body;
    const rows = await server.context.storage.db.selectFrom('oauth_tokens').selectAll().execute();
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(second.refresh_token);
    expect(dump).not.toContain(second.access_token);
    expect(rows.filter((r) => r.successor_sealed).length).toBeGreaterThan(0);
  });
});
