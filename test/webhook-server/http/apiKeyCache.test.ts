import { loadConfig } from '../../../webhook-server/src/config';
import { ApiKeyCache, forgetCachedApiKeys } from '../../../webhook-server/src/domain/apiKeyCache';
import { issueApiKey } from '../../../webhook-server/src/domain/apiKeys';
import { hashToken } from '../../../webhook-server/src/domain/secrets';
import { testEngines } from '../../support/engines';
import { api, createTenant, startTestServer, type TestServer } from '../../support/server';

/** Revokes a key the way another process does: in the database, unseen by this process. */
async function revokeElsewhere(server: TestServer, apiKey: string): Promise<void> {
  await server.context.storage.db
    .updateTable('api_keys')
    .set({ revoked_at: server.clock.now().toISOString() })
    .where('key_hash', '=', hashToken(apiKey))
    .execute();
}

const status = async (server: TestServer, apiKey: string) =>
  (await api(server, 'GET', '/v1/api/account', { apiKey })).status;

describe.each(testEngines())('API keys remembered by the process on %s', (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine, { API_KEY_CACHE_TTL: '2s' });
  });
  afterAll(() => server.stop());

  test('when a key in use is replaced in this process, then the old key is refused at once', async () => {
    const tenant = await createTenant(server);
    expect(await status(server, tenant.apiKey)).toBe(200);
    const replacement = await issueApiKey(server.context.storage.db, server.clock, tenant.account.id);
    expect(await status(server, tenant.apiKey)).toBe(401);
    expect(await status(server, replacement.apiKey)).toBe(200);
  });

  test('when another process revokes a key in use, then it works here for at most API_KEY_CACHE_TTL', async () => {
    const tenant = await createTenant(server);
    expect(await status(server, tenant.apiKey)).toBe(200);
    await revokeElsewhere(server, tenant.apiKey);
    server.clock.advance(1999);
    expect(await status(server, tenant.apiKey)).toBe(200);
    server.clock.advance(1);
    expect(await status(server, tenant.apiKey)).toBe(401);
    // A refusal is never remembered: the next request reads the database again, and is refused again.
    expect(await status(server, tenant.apiKey)).toBe(401);
  });

  test('when the clock goes back, then a remembered key is read again rather than kept longer', async () => {
    const tenant = await createTenant(server);
    expect(await status(server, tenant.apiKey)).toBe(200);
    await revokeElsewhere(server, tenant.apiKey);
    server.clock.advance(-60_000);
    expect(await status(server, tenant.apiKey)).toBe(401);
  });
});

describe.each(testEngines())('API_KEY_CACHE_TTL=0s on %s', (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine, { API_KEY_CACHE_TTL: '0s' });
  });
  afterAll(() => server.stop());

  test('when another process revokes a key, then the next request is refused', async () => {
    const tenant = await createTenant(server);
    expect(await status(server, tenant.apiKey)).toBe(200);
    await revokeElsewhere(server, tenant.apiKey);
    expect(await status(server, tenant.apiKey)).toBe(401);
  });
});

describe('ApiKeyCache', () => {
  test('when a key is revoked in this process while its read is in flight, then that read is not kept', async () => {
    const cache = new ApiKeyCache(2000, () => 0);
    let reads = 0;
    let release: (accountId: string) => void = () => undefined;
    const slowRead = () => {
      reads += 1;
      return new Promise<string>((resolve) => (release = resolve));
    };
    const inFlight = cache.accountFor('hash', slowRead);
    // The revocation lands after the read started, so the read may have seen the key still active.
    forgetCachedApiKeys();
    release('acc_1');
    expect(await inFlight).toBe('acc_1');
    const revoked = async () => {
      reads += 1;
      return undefined;
    };
    expect(await cache.accountFor('hash', revoked)).toBeUndefined();
    expect(reads).toBe(2);
  });

  test('when the same key comes again within the TTL, then the database is read once', async () => {
    let now = 0;
    const cache = new ApiKeyCache(2000, () => now);
    let reads = 0;
    const read = async () => {
      reads += 1;
      return 'acc_1';
    };
    await cache.accountFor('hash', read);
    now = 1999;
    await cache.accountFor('hash', read);
    expect(reads).toBe(1);
    now = 2000;
    await cache.accountFor('hash', read);
    expect(reads).toBe(2);
  });
});

describe('API_KEY_CACHE_TTL', () => {
  test('when unset, then 2 s; 0s turns the cache off; more than 5 s is refused', () => {
    expect(loadConfig({}).apiKeyCacheTtlMs).toBe(2000);
    expect(loadConfig({ API_KEY_CACHE_TTL: '0s' }).apiKeyCacheTtlMs).toBe(0);
    expect(loadConfig({ API_KEY_CACHE_TTL: '500ms' }).apiKeyCacheTtlMs).toBe(500);
    expect(() => loadConfig({ API_KEY_CACHE_TTL: '6s' })).toThrow(
      /API_KEY_CACHE_TTL must be a duration from 0s to 5s/,
    );
  });
});
