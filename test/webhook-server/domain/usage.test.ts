import { testEngines, freshStorage, type TestStorage } from '../../support/engines';
import { TestClock } from '../../support/clock';
import { changePlan, createAccount } from '../../../webhook-server/src/domain/accounts';
import { applyLedgerEntry, getUsage } from '../../../webhook-server/src/domain/usage';
import { addMonthsUtc } from '../../../webhook-server/src/domain/periods';
import type { PlanId } from '../../../schemas/generated/types';

describe('billing periods', () => {
  test('when a period starts on the 31st, then the next one ends on the last day of a shorter month', () => {
    expect(addMonthsUtc(new Date('2026-01-31T10:00:00Z'), 1).toISOString()).toBe('2026-02-28T10:00:00.000Z');
    expect(addMonthsUtc(new Date('2026-12-15T00:00:00Z'), 1).toISOString()).toBe('2027-01-15T00:00:00.000Z');
  });
});

describe.each(testEngines())('the minute ledger on %s', (engine) => {
  let store: TestStorage;
  let clock: TestClock;
  let counter = 0;

  beforeAll(async () => {
    store = await freshStorage(engine);
  });
  afterAll(() => store.destroy());
  beforeEach(() => {
    clock = new TestClock('2026-03-10T12:00:00.000Z');
  });

  async function account(planId: PlanId = 'starter') {
    counter += 1;
    return createAccount(store.storage.db, clock, {
      companyName: 'Ledger Co',
      adminName: 'Lee',
      adminEmail: `ledger${counter}@example.com`,
      password: 'long-enough-password',
      planId,
    });
  }
  const usage = (id: string, planId: string = 'starter') => getUsage(store.storage.db, id, planId, clock);

  test('when calls use time, then minutes round used time up and remaining time down', async () => {
    const { id } = await account();
    await applyLedgerEntry(store.storage.db, clock, {
      accountId: id,
      kind: 'call',
      seconds: 61,
      reference: `c-${id}-1`,
    });
    expect(await usage(id)).toStrictEqual({
      planId: 'starter',
      periodStart: '2026-03-10T12:00:00.000Z',
      periodEnd: '2026-04-10T12:00:00.000Z',
      includedMinutes: 500,
      extraMinutes: 0,
      usedMinutes: 2,
      remainingMinutes: 498,
      percentUsed: 0.2,
      usedSeconds: 61,
      remainingSeconds: 30000 - 61,
    });
  });

  test('when the same reference is applied twice, then it counts once', async () => {
    const { id } = await account();
    const first = await applyLedgerEntry(store.storage.db, clock, {
      accountId: id,
      kind: 'call',
      seconds: 90,
      reference: `dup-${id}`,
    });
    const second = await applyLedgerEntry(store.storage.db, clock, {
      accountId: id,
      kind: 'call',
      seconds: 90,
      reference: `dup-${id}`,
    });
    expect([first.applied, second.applied]).toStrictEqual([true, false]);
    expect((await usage(id)).usedSeconds).toBe(90);
  });

  test('when time runs out, then remaining is zero, never negative', async () => {
    const { id } = await account('free');
    await applyLedgerEntry(store.storage.db, clock, {
      accountId: id,
      kind: 'call',
      seconds: 4000,
      reference: `over-${id}`,
    });
    expect(await usage(id, 'free')).toMatchObject({
      remainingSeconds: 0,
      remainingMinutes: 0,
      usedMinutes: 67,
      percentUsed: 100,
    });
  });

  test('when a period ends, then used time resets and unused purchased minutes carry over', async () => {
    const { id } = await account();
    await applyLedgerEntry(store.storage.db, clock, {
      accountId: id,
      kind: 'purchase',
      seconds: 60_000,
      reference: `p-${id}`,
    });
    // 500 included minutes plus 100 minutes of the purchase are spent this period.
    await applyLedgerEntry(store.storage.db, clock, {
      accountId: id,
      kind: 'call',
      seconds: 36_000,
      reference: `c-${id}`,
    });
    clock.set('2026-05-11T00:00:00.000Z');
    expect(await usage(id)).toMatchObject({
      periodStart: '2026-05-10T12:00:00.000Z',
      periodEnd: '2026-06-10T12:00:00.000Z',
      includedMinutes: 500,
      extraMinutes: 900,
      usedSeconds: 0,
      remainingMinutes: 1400,
    });
  });

  test('when the plan changes, then included time follows the new plan at once and plan_changed is recorded', async () => {
    const { id } = await account('starter');
    const change = await changePlan(store.storage.db, clock, id, 'pro');
    expect(change.changed).toBe(true);
    expect((await usage(id, 'pro')).includedMinutes).toBe(2000);
    await changePlan(store.storage.db, clock, id, 'free');
    await changePlan(store.storage.db, clock, id, 'starter');
    const events = await store.storage.db
      .selectFrom('events')
      .select('payload')
      .where('account_id', '=', id)
      .orderBy('id')
      .execute();
    expect(events.map((e) => JSON.parse(e.payload).data.direction)).toStrictEqual([
      'upgrade',
      'cancel',
      'reactivate',
    ]);
    expect((await changePlan(store.storage.db, clock, id, 'starter')).changed).toBe(false);
  });
});
