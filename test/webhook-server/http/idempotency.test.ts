import { createAccount } from '../../../webhook-server/src/domain/accounts';
import { AppError } from '../../../webhook-server/src/domain/errors';
import {
  IDEMPOTENCY_LEASE_MS,
  requestFingerprint,
  runIdempotent,
} from '../../../webhook-server/src/http/idempotency';
import { TestClock } from '../../support/clock';
import { freshStorage, testEngines, type TestStorage } from '../../support/engines';

describe.each(testEngines())('the Idempotency-Key store on %s', (engine) => {
  let store: TestStorage;
  let accountId: string;
  const clock = new TestClock('2026-01-10T10:00:00.000Z');

  beforeAll(async () => {
    store = await freshStorage(engine);
    const account = await createAccount(store.storage.db, clock, {
      companyName: 'Idem Co',
      adminName: 'Ida',
      adminEmail: `idem.${engine}@example.com`,
      password: 'long-enough-password',
      planId: 'starter',
    });
    accountId = account.id;
  });
  afterAll(() => store.destroy());

  const scope = (key: string, body: unknown = { blocks: 1 }) => ({
    accountId,
    key,
    fingerprint: requestFingerprint('POST', '/v1/api/billing/extra-minutes', body),
  });

  test('when bodies differ only in key order, then their fingerprints are equal', () => {
    expect(requestFingerprint('POST', '/p', { a: 1, b: { c: 2, d: 3 } })).toBe(
      requestFingerprint('post', '/p', { b: { d: 3, c: 2 }, a: 1 }),
    );
    expect(requestFingerprint('POST', '/p', { a: 1 })).not.toBe(requestFingerprint('POST', '/q', { a: 1 }));
  });

  test('when the handler throws, then the key is released and a retry runs it again', async () => {
    let runs = 0;
    const failing = async () => {
      runs += 1;
      throw new AppError(503, 'provider down');
    };
    await expect(runIdempotent(store.storage.db, clock, scope('throws'), failing)).rejects.toThrow(
      'provider down',
    );
    const ok = await runIdempotent(store.storage.db, clock, scope('throws'), async () => {
      runs += 1;
      return { status: 201, body: { ok: true } };
    });
    expect(ok).toEqual({ status: 201, body: { ok: true }, replayed: false });
    expect(runs).toBe(2);
  });

  test('when a request holding the key died, then a retry after the lease takes over, and not before', async () => {
    const db = store.storage.db;
    const now = clock.now().toISOString();
    await db
      .insertInto('idempotency_keys')
      .values({
        account_id: accountId,
        idempotency_key: 'crashed',
        fingerprint: scope('crashed').fingerprint,
        state: 'in_progress',
        response_status: null,
        response_body: null,
        created_at: now,
        locked_at: now,
      })
      .execute();
    const handler = async () => ({ status: 201, body: { resumed: true } });
    await expect(runIdempotent(db, clock, scope('crashed'), handler)).rejects.toMatchObject({
      statusCode: 409,
    });
    clock.advance(IDEMPOTENCY_LEASE_MS + 1);
    const resumed = await runIdempotent(db, clock, scope('crashed'), handler);
    expect(resumed).toEqual({ status: 201, body: { resumed: true }, replayed: false });
    const replay = await runIdempotent(db, clock, scope('crashed'), async () => ({
      status: 500,
      body: null,
    }));
    expect(replay).toEqual({ status: 201, body: { resumed: true }, replayed: true });
  });
});
