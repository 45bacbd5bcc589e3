import { testEngines, freshStorage, type TestStorage } from '../../support/engines';
import { newAccount } from '../../support/accounts';
import { TestClock } from '../../support/clock';
import { changePlan } from '../../../webhook-server/src/domain/accounts';
import { applyLedgerEntry, getUsage, startBillingPeriod } from '../../../webhook-server/src/domain/usage';
import { addMonthsUtc, nextPeriodEnd } from '../../../webhook-server/src/domain/periods';
import type { PlanId } from '../../../schemas/generated/types';

describe('billing periods', () => {
  test('when a period starts on the 31st, then the next one ends on the last day of a shorter month', () => {
    expect(addMonthsUtc(new Date('2026-01-31T10:00:00Z'), 1).toISOString()).toBe('2026-02-28T10:00:00.000Z');
    expect(addMonthsUtc(new Date('2026-12-15T00:00:00Z'), 1).toISOString()).toBe('2027-01-15T00:00:00.000Z');
  });

  test('when a period is anchored on the 31st, then its end is the first month from the anchor after the start', () => {
    const anchor = new Date('2026-01-31T10:00:00Z');
    const end = (start: string) => nextPeriodEnd(anchor, new Date(start)).toISOString();
    expect(end('2026-01-31T10:00:00Z')).toBe('2026-02-28T10:00:00.000Z');
    expect(end('2026-02-28T10:00:00Z')).toBe('2026-03-31T10:00:00.000Z');
    expect(end('2026-03-31T09:59:59Z')).toBe('2026-03-31T10:00:00.000Z');
    expect(end('2026-03-31T10:00:00Z')).toBe('2026-04-30T10:00:00.000Z');
    expect(end('2027-12-31T10:00:00Z')).toBe('2028-01-31T10:00:00.000Z');
    expect(end('2028-01-31T10:00:00Z')).toBe('2028-02-29T10:00:00.000Z');
  });
});

describe.each(testEngines())('the minute ledger on %s', (engine) => {
  let store: TestStorage;
  let clock: TestClock;

  beforeAll(async () => {
    store = await freshStorage(engine);
  });
  afterAll(() => store.destroy());
  beforeEach(() => {
    clock = new TestClock('2026-03-10T12:00:00.000Z');
  });

  const account = (planId?: PlanId) => newAccount(store.storage.db, clock, { planId });
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

  test('when a debit arrives after its period ended, then a new period opens and takes the debit, once', async () => {
    const { id } = await account();
    clock.set('2026-04-20T00:00:00.000Z');
    const debit = { accountId: id, kind: 'call' as const, seconds: 120, reference: `late-${id}` };
    const first = await applyLedgerEntry(store.storage.db, clock, debit);
    const again = await applyLedgerEntry(store.storage.db, clock, debit);
    expect([first.applied, again.applied]).toStrictEqual([true, false]);
    expect(first.after).toMatchObject({ period_start: '2026-04-10T12:00:00.000Z', used_seconds: 120 });
    expect(await usage(id)).toMatchObject({ periodStart: '2026-04-10T12:00:00.000Z', usedSeconds: 120 });
    const entries = await store.storage.db
      .selectFrom('minute_ledger')
      .select(['seconds'])
      .where('reference', '=', debit.reference)
      .execute();
    expect(entries).toStrictEqual([{ seconds: -120 }]);
  });

  test('when debits and a credit of one account arrive at once, then each counts once and the change shows the period before it', async () => {
    const { id } = await account();
    const changes = await Promise.all([
      ...Array.from({ length: 12 }, (_, n) =>
        applyLedgerEntry(store.storage.db, clock, {
          accountId: id,
          kind: 'call',
          seconds: 10 + n,
          reference: `many-${id}-${n}`,
        }),
      ),
      applyLedgerEntry(store.storage.db, clock, {
        accountId: id,
        kind: 'purchase',
        seconds: 60_000,
        reference: `many-${id}-purchase`,
      }),
    ]);
    const used = Array.from({ length: 12 }, (_, n) => 10 + n).reduce((a, b) => a + b, 0);
    expect(await usage(id)).toMatchObject({ usedSeconds: used, extraMinutes: 1000 });
    for (const [n, change] of changes.entries()) {
      const counter = n < 12 ? 'used_seconds' : 'extra_seconds';
      expect(change.after[counter] - change.before[counter]).toBe(n < 12 ? 10 + n : 60_000);
    }
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

  test('when an account opened on the 31st rolls over month by month, then each period ends on the 31st or the last day of a shorter month', async () => {
    clock.set('2026-01-31T10:00:00.000Z');
    const { id } = await account();
    const ends: string[] = [];
    for (let month = 0; month < 12; month += 1) {
      const { periodEnd } = await usage(id);
      ends.push(periodEnd);
      clock.set(new Date(Date.parse(periodEnd) + 1000).toISOString());
    }
    expect(ends).toStrictEqual([
      '2026-02-28T10:00:00.000Z',
      '2026-03-31T10:00:00.000Z',
      '2026-04-30T10:00:00.000Z',
      '2026-05-31T10:00:00.000Z',
      '2026-06-30T10:00:00.000Z',
      '2026-07-31T10:00:00.000Z',
      '2026-08-31T10:00:00.000Z',
      '2026-09-30T10:00:00.000Z',
      '2026-10-31T10:00:00.000Z',
      '2026-11-30T10:00:00.000Z',
      '2026-12-31T10:00:00.000Z',
      '2027-01-31T10:00:00.000Z',
    ]);
  });

  test('when an account opened on the 31st is idle for a year, then the periods rolled over in one go keep the 31st', async () => {
    clock.set('2026-01-31T10:00:00.000Z');
    const { id } = await account();
    clock.set('2027-01-31T10:00:01.000Z');
    expect(await usage(id)).toMatchObject({
      periodStart: '2027-01-31T10:00:00.000Z',
      periodEnd: '2027-02-28T10:00:00.000Z',
    });
    const rows = await store.storage.db
      .selectFrom('usage_periods')
      .select('period_end')
      .where('account_id', '=', id)
      .orderBy('period_start')
      .execute();
    expect(rows.map((r) => r.period_end.slice(0, 10))).toStrictEqual([
      '2026-02-28',
      '2026-03-31',
      '2026-04-30',
      '2026-05-31',
      '2026-06-30',
      '2026-07-31',
      '2026-08-31',
      '2026-09-30',
      '2026-10-31',
      '2026-11-30',
      '2026-12-31',
      '2027-01-31',
      '2027-02-28',
    ]);
  });

  test('when the payment provider starts a period, then later calendar roll-overs are anchored on its start', async () => {
    clock.set('2026-01-31T10:00:00.000Z');
    const { id } = await account();
    clock.set('2026-02-15T00:00:00.000Z');
    const started = await startBillingPeriod(
      store.storage.db,
      clock,
      id,
      new Date('2026-02-15T00:00:00.000Z'),
      new Date('2026-03-15T00:00:00.000Z'),
    );
    expect(started.started).toBe(true);
    clock.set('2026-03-16T00:00:00.000Z');
    expect(await usage(id)).toMatchObject({
      periodStart: '2026-03-15T00:00:00.000Z',
      periodEnd: '2026-04-15T00:00:00.000Z',
    });
    clock.set('2026-04-16T00:00:00.000Z');
    expect(await usage(id)).toMatchObject({
      periodStart: '2026-04-15T00:00:00.000Z',
      periodEnd: '2026-05-15T00:00:00.000Z',
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
