import { sql } from 'kysely';
import { systemClock } from '../../../webhook-server/src/domain/clock';
import { subscribe } from '../../../webhook-server/src/domain/hooks/subscriptions';
import { openDeliveryQueue } from '../../../webhook-server/src/delivery/openQueue';
import type { DeliveryQueue } from '../../../webhook-server/src/delivery/queue';
import { newAccount } from '../../support/accounts';
import { freshStorage, testEngines, type TestStorage } from '../../support/engines';
import { accountWithOnePendingDelivery, addBacklog } from '../../support/events';
import {
  ClaimCursor,
  FROM_START,
  FULL_SCAN_INTERVAL_MS,
} from '../../../webhook-server/src/delivery/pgClaimCursor';

const T0 = Date.parse('2026-12-03T12:00:00.000Z');

/** The cursor after one full claim from the start at T0 that ended at `lastDueAt`, skipping `skipped`. */
function afterFullClaim(lastDueAt: string, skipped: string[] = []): ClaimCursor {
  const cursor = new ClaimCursor();
  cursor.claimed({ from: FROM_START, nowMs: T0, limit: 64, skipHookUrls: skipped }, 64, lastDueAt);
  return cursor;
}

describe('where a PostgreSQL claim reads the due index from', () => {
  test('when nothing was claimed yet, then a claim reads from the start', () => {
    expect(new ClaimCursor().from(T0, [])).toBe(FROM_START);
  });

  test('when the last claim came back full (a backlog), then the next one resumes where it ended', () => {
    expect(afterFullClaim('2026-12-03T11:59:58.123Z').from(T0 + 5, [])).toBe('2026-12-03T11:59:58.123Z');
  });

  test('when the last claim came back short, then the next one reads from the start again', () => {
    const cursor = afterFullClaim('2026-12-03T11:59:58.123Z');
    cursor.claimed(
      { from: '2026-12-03T11:59:58.123Z', nowMs: T0 + 5, limit: 64, skipHookUrls: [] },
      3,
      '2026-12-03T11:59:58.200Z',
    );

    expect(cursor.from(T0 + 10, [])).toBe(FROM_START);
  });

  test('when claims were given back, then the next claim reads from the start', () => {
    const cursor = afterFullClaim('2026-12-03T11:59:58.123Z');
    cursor.reset();

    expect(cursor.from(T0 + 5, [])).toBe(FROM_START);
  });

  test('when a full scan interval has passed, then a claim reads from the start even under a backlog', () => {
    const cursor = afterFullClaim('2026-12-03T11:59:58.123Z');
    // Claims from the cursor keep coming back full; they do not push the full scan back.
    cursor.claimed(
      { from: '2026-12-03T11:59:58.123Z', nowMs: T0 + 500, limit: 64, skipHookUrls: [] },
      64,
      '2026-12-03T11:59:58.300Z',
    );

    expect(cursor.from(T0 + FULL_SCAN_INTERVAL_MS - 1, [])).toBe('2026-12-03T11:59:58.300Z');
    expect(cursor.from(T0 + FULL_SCAN_INTERVAL_MS, [])).toBe(FROM_START);
  });

  test('when a hook URL skipped since the last full scan is no longer skipped, then a claim reads from the start', () => {
    const cursor = afterFullClaim('2026-12-03T11:59:58.123Z', ['https://a.example.com/hook']);
    cursor.claimed(
      {
        from: '2026-12-03T11:59:58.123Z',
        nowMs: T0 + 5,
        limit: 64,
        skipHookUrls: ['https://b.example.com/hook'],
      },
      64,
      '2026-12-03T11:59:58.300Z',
    );

    const both = ['https://a.example.com/hook', 'https://b.example.com/hook'];
    expect(cursor.from(T0 + 10, both)).toBe('2026-12-03T11:59:58.300Z');
    expect(cursor.from(T0 + 10, ['https://a.example.com/hook'])).toBe(FROM_START);
    expect(cursor.from(T0 + 10, ['https://b.example.com/hook'])).toBe(FROM_START);
  });

  test('when a full scan skipped fewer hook URLs, then only those still matter', () => {
    const cursor = afterFullClaim('2026-12-03T11:59:58.123Z', ['https://a.example.com/hook']);
    cursor.claimed(
      { from: FROM_START, nowMs: T0 + 5, limit: 64, skipHookUrls: [] },
      64,
      '2026-12-03T11:59:58.400Z',
    );

    expect(cursor.from(T0 + 10, [])).toBe('2026-12-03T11:59:58.400Z');
  });
});

const postgresOnly = testEngines().includes('postgres') ? describe : describe.skip;

// What the cursor passes by is only delayed, never lost: each way back behind it, on PostgreSQL.
postgresOnly('a PostgreSQL worker claiming behind a backlog', () => {
  let store: TestStorage;
  let queue: DeliveryQueue;
  const hookA = 'https://hooks.example.com/first';
  const hookB = 'https://hooks.example.com/second';

  beforeEach(async () => {
    store = await freshStorage('postgres');
    await accountWithOnePendingDelivery(store.storage, 'First');
    await addBacklog(store.storage, hookA, 29);
    queue = openDeliveryQueue(store.storage, systemClock, 'cursor-test');
  });
  afterEach(async () => {
    await queue.close();
    await store.destroy();
  });

  /** A claim at `nowMs` (by default a minute from now: everything recorded is due). */
  const claim = (limit: number, skipHookUrls: string[] = [], nowMs = NOW) =>
    queue.claim({
      now: new Date(nowMs).toISOString(),
      lockedUntil: new Date(nowMs + 60_000).toISOString(),
      limit,
      skipHookUrls,
    });
  const NOW = Date.now() + 60_000;

  /** A delivery of `hookUrl` due before everything pending: one whose commit came late, say. */
  async function dueFirst(hookUrl: string): Promise<string> {
    const { db } = store.storage;
    const id = `late_${hookUrl.length}`;
    await sql`INSERT INTO deliveries
      SELECT (jsonb_populate_record(d, jsonb_build_object('id', ${id}::text,
        'next_attempt_at', '2000-01-01T00:00:00.000Z'::text))).*
      FROM deliveries d WHERE d.hook_url = ${hookUrl} LIMIT 1`.execute(db);
    return id;
  }

  test('when a delivery due earlier commits after the backlog ahead was claimed, then it is claimed as the backlog runs out', async () => {
    expect(await claim(10)).toHaveLength(10);
    expect(await claim(10)).toHaveLength(10);
    const late = await dueFirst(hookA);

    const third = await claim(10);
    const fourth = await claim(10);

    expect(third).toHaveLength(10);
    expect(fourth.map((d) => d.id)).toEqual([late]);
  });

  test('when a full scan interval has passed, then a delivery behind the cursor is claimed even under a backlog', async () => {
    expect(await claim(10)).toHaveLength(10);
    const late = await dueFirst(hookA);

    const next = await claim(5, [], NOW + FULL_SCAN_INTERVAL_MS);

    expect(next.map((d) => d.id)[0]).toBe(late);
  });

  test('when the worker gives claims back, then its next claim takes them again', async () => {
    const first = await claim(10);
    expect(await claim(10)).toHaveLength(10);
    await queue.release(first.slice(0, 3).map((d) => d.id));

    const next = await claim(3);

    expect(next.map((d) => d.id)).toEqual(first.slice(0, 3).map((d) => d.id));
  });

  test('when a hook URL the claims skipped is skipped no more, then its deliveries the cursor passed are claimed', async () => {
    // Deliveries of a second URL, all due before the first URL's backlog ends.
    const account = await newAccount(store.storage.db, systemClock, { planId: 'pro', companyName: 'Second' });
    await subscribe(store.storage.db, systemClock, account.id, {
      hookUrl: hookB,
      triggerName: 'account_updated',
    });
    const late = await dueFirst(hookA);
    await sql`UPDATE deliveries SET hook_url = ${hookB}, subscription_id = (SELECT id FROM subscriptions
      WHERE hook_url = ${hookB}) WHERE id = ${late}`.execute(store.storage.db);

    expect(await claim(10, [hookB])).toHaveLength(10);
    expect(await claim(10, [hookB])).toHaveLength(10);
    const next = await claim(1);

    expect(next.map((d) => [d.id, d.hookUrl])).toEqual([[late, hookB]]);
  });
});
