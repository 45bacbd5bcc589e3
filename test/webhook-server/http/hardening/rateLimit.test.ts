import { sql } from 'kysely';
import { loadConfig } from '../../../../webhook-server/src/config';
import { openStorage } from '../../../../webhook-server/src/db/storage';
import { startServer, type RunningServer } from '../../../../webhook-server/src/server';
import { testEngines } from '../../../support/engines';
import { api, createTenant, startTestServer, type Tenant, type TestServer } from '../../../support/server';

const LOW_LIMIT = { API_RATE_LIMIT: '3', API_RATE_LIMIT_WINDOW: '60s' };

describe('API rate limit configuration', () => {
  test('when nothing is set, then each credential may make 1200 requests a minute; 0 turns it off', () => {
    expect(loadConfig({}).apiRateLimit).toStrictEqual({ points: 1200, windowSeconds: 60 });
    expect(loadConfig({ API_RATE_LIMIT: '0' }).apiRateLimit.points).toBe(0);
    expect(() => loadConfig({ API_RATE_LIMIT_WINDOW: '1500ms' })).toThrow(
      /API_RATE_LIMIT_WINDOW must be whole seconds/,
    );
  });
});

describe.each(testEngines())('API rate limits on %s', (engine) => {
  let server: TestServer;
  let tenant: Tenant;
  let other: Tenant;
  beforeAll(async () => {
    server = await startTestServer(engine, LOW_LIMIT);
    tenant = await createTenant(server);
    other = await createTenant(server);
  });
  afterAll(() => server.stop());

  test('when a key exceeds its limit, then 429 with Retry-After and RateLimit headers, and other keys go on', async () => {
    const answers = [];
    for (let i = 0; i < 4; i += 1)
      answers.push(await api(server, 'GET', '/v1/api/usage', { apiKey: tenant.apiKey }));
    expect(answers.map((a) => a.status)).toStrictEqual([200, 200, 200, 429]);
    expect(answers.map((a) => a.headers.get('ratelimit-remaining'))).toStrictEqual(['2', '1', '0', '0']);
    expect(answers[0]!.headers.get('ratelimit-limit')).toBe('3');
    expect(answers[0]!.headers.get('ratelimit-policy')).toBe('3;w=60');
    const refused = answers[3]!;
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get('ratelimit-reset')).toBe(String(retryAfter));
    expect(refused.body).toStrictEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      message: `Too many requests with this credential: 3 per 60 s. Retry after ${retryAfter} s.`,
    });
    expect((await api(server, 'GET', '/v1/api/usage', { apiKey: other.apiKey })).status).toBe(200);
  });

  test('when a request is refused by the limit, then it changes nothing', async () => {
    const busy = await createTenant(server);
    for (let i = 0; i < 3; i += 1) await api(server, 'GET', '/v1/api/account', { apiKey: busy.apiKey });
    const res = await api(server, 'PATCH', '/v1/api/account', {
      apiKey: busy.apiKey,
      body: { companyName: 'Renamed while limited' },
    });
    expect(res.status).toBe(429);
    const account = await server.context.storage.db
      .selectFrom('accounts')
      .select('company_name')
      .where('id', '=', busy.account.id)
      .executeTakeFirstOrThrow();
    expect(account.company_name).toBe(busy.account.companyName);
  });

  if (engine === 'postgres')
    test('when two API processes share the database, then they count against one limit', async () => {
      const shared = await createTenant(server);
      const storage = openStorage(server.db.databaseUrl, { schema: server.db.schema, poolSize: 2 });
      let second: RunningServer | undefined;
      try {
        second = await startServer(
          loadConfig({
            NODE_ENV: 'test',
            PORT: '0',
            HOST: '127.0.0.1',
            DATABASE_URL: server.db.databaseUrl,
            ATLAS_SEED_DEMO: 'false',
            DELIVERY_WORKER: 'false',
            ...LOW_LIMIT,
          }),
          { storage },
        );
        const statuses = [];
        for (const target of [server, second, server, second])
          statuses.push((await api(target, 'GET', '/v1/api/usage', { apiKey: shared.apiKey })).status);
        expect(statuses).toStrictEqual([200, 200, 200, 429]);
        // Counted in the database, not in the stand-in memory limiter.
        const { rows } = await sql`SELECT points FROM api_rate_limits`.execute(server.context.storage.db);
        expect(rows.length).toBeGreaterThan(0);
      } finally {
        await second?.close();
        await storage.close();
      }
    });
});
