import { sql } from 'kysely';
import type { Usage } from '../../../schemas/generated/types';
import type { MinuteLedgerTable, UsagePeriodRow } from '../db/schema';
import type { Clock } from './clock';
import { compiledOnce } from './compiledOnce';
import type { Db } from './db';
import { inTransaction } from './db';
import { reviewMinutesLow } from './hooks/minutesLow';
import { newId } from './ids';
import { addMonthsUtc, nextPeriodEnd } from './periods';
import { getPlan } from './plans';

/**
 * The minute ledger. Call time is kept in whole seconds. Each period grants the plan's included
 * time; purchased extra time is spent after included time and what is left of it carries over to
 * the next period. Every debit and credit is a ledger row whose (kind, reference) is unique, so a
 * repeated report or webhook never applies twice.
 */

export function remainingSeconds(
  period: Pick<UsagePeriodRow, 'included_seconds' | 'extra_seconds' | 'used_seconds'>,
) {
  return Math.max(0, period.included_seconds + period.extra_seconds - period.used_seconds);
}

function carriedExtraSeconds(period: UsagePeriodRow): number {
  const spentFromExtra = Math.max(0, period.used_seconds - period.included_seconds);
  return Math.max(0, period.extra_seconds - spentFromExtra);
}

/** Opens the first period of a new account. */
export async function openFirstPeriod(db: Db, accountId: string, planId: string, start: Date): Promise<void> {
  await db
    .insertInto('usage_periods')
    .values({
      account_id: accountId,
      period_start: start.toISOString(),
      period_end: addMonthsUtc(start, 1).toISOString(),
      period_anchor: start.toISOString(),
      included_seconds: getPlan(planId).includedMinutes * 60,
      extra_seconds: 0,
      used_seconds: 0,
    })
    .execute();
}

// Read by every call report, usage read and purchase: compiled once.
const latestPeriodOf = compiledOnce((db, accountId: string) =>
  db
    .selectFrom('usage_periods')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('period_start', 'desc')
    // A literal, not a bound `limit ?`: SQLite then reads the one row in about half the time
    // (measured on a one-row table: 16 against 38 µs a read).
    .limit(sql.lit(1)),
);

const planOf = compiledOnce((db, accountId: string) =>
  db.selectFrom('accounts').select('plan_id').where('id', '=', accountId),
);

// Each debit and credit (every call report) writes these: compiled once.
const insertLedgerEntry = compiledOnce(
  (
    db,
    id: string,
    accountId: string,
    kind: MinuteLedgerTable['kind'],
    seconds: number,
    reference: string,
    createdAt: string,
  ) =>
    db
      .insertInto('minute_ledger')
      .values({ id, account_id: accountId, kind, seconds, reference, created_at: createdAt })
      .onConflict((oc) => oc.columns(['kind', 'reference']).doNothing()),
);

/** Adds seconds to one counter of an account's period: a call's to used, a purchase's to extra. */
const addSecondsTo = (column: 'used_seconds' | 'extra_seconds') =>
  compiledOnce((db, seconds: number, accountId: string, periodStart: string) =>
    db
      .updateTable('usage_periods')
      .set((eb) => ({ [column]: eb(column, '+', seconds) }))
      .where('account_id', '=', accountId)
      .where('period_start', '=', periodStart)
      .returningAll(),
  );
const addUsedSeconds = addSecondsTo('used_seconds');
const addExtraSeconds = addSecondsTo('extra_seconds');

async function latestPeriod(db: Db, accountId: string): Promise<UsagePeriodRow> {
  const [row] = (await latestPeriodOf(db, accountId)).rows;
  if (!row) throw new Error(`Account ${accountId} has no usage period`);
  return row;
}

/**
 * The period that contains now, rolling forward over any periods that ended since the last
 * activity. Safe to run concurrently: a period that another request already opened is kept.
 */
export async function currentPeriod(db: Db, accountId: string, clock: Clock): Promise<UsagePeriodRow> {
  let period = await latestPeriod(db, accountId);
  const now = clock.now().toISOString();
  if (period.period_end > now) return period;
  return inTransaction(db, async (trx) => {
    const account = await trx
      .selectFrom('accounts')
      .select('plan_id')
      .where('id', '=', accountId)
      .executeTakeFirstOrThrow();
    period = await latestPeriod(trx, accountId);
    while (period.period_end <= now) {
      const anchor = period.period_anchor ?? period.period_start;
      const next: UsagePeriodRow = {
        account_id: accountId,
        period_start: period.period_end,
        period_end: nextPeriodEnd(new Date(anchor), new Date(period.period_end)).toISOString(),
        period_anchor: anchor,
        included_seconds: getPlan(account.plan_id).includedMinutes * 60,
        extra_seconds: carriedExtraSeconds(period),
        used_seconds: 0,
      };
      await trx
        .insertInto('usage_periods')
        .values(next)
        .onConflict((oc) => oc.columns(['account_id', 'period_start']).doNothing())
        .execute();
      period = await latestPeriod(trx, accountId);
    }
    await reviewMinutesLow(trx, clock, accountId, toUsage(period, account.plan_id));
    return period;
  });
}

export function toUsage(period: UsagePeriodRow, planId: string): Usage {
  const total = period.included_seconds + period.extra_seconds;
  const remaining = remainingSeconds(period);
  return {
    planId: getPlan(planId).id,
    periodStart: period.period_start,
    periodEnd: period.period_end,
    includedMinutes: Math.floor(period.included_seconds / 60),
    extraMinutes: Math.floor(period.extra_seconds / 60),
    usedMinutes: Math.ceil(period.used_seconds / 60),
    remainingMinutes: Math.floor(remaining / 60),
    percentUsed: total === 0 ? 100 : Math.min(100, Math.round((period.used_seconds / total) * 1000) / 10),
    usedSeconds: period.used_seconds,
    remainingSeconds: remaining,
  };
}

export async function getUsage(db: Db, accountId: string, planId: string, clock: Clock): Promise<Usage> {
  return toUsage(await currentPeriod(db, accountId, clock), planId);
}

export interface LedgerChange {
  applied: boolean;
  /** The period just before this entry (the same as after when it was not applied). */
  before: UsagePeriodRow;
  after: UsagePeriodRow;
}

/**
 * Applies one ledger entry to the current period, once per (kind, reference): a call spends
 * `seconds`, a purchase adds them. Must run inside the
 * transaction of the change that causes it.
 */
export async function applyLedgerEntry(
  db: Db,
  clock: Clock,
  entry: { accountId: string; kind: 'call' | 'purchase'; seconds: number; reference: string },
): Promise<LedgerChange> {
  return inTransaction(db, async (trx) => {
    const before = await currentPeriod(trx, entry.accountId, clock);
    const inserted = await insertLedgerEntry(
      trx,
      newId('led'),
      entry.accountId,
      entry.kind,
      entry.kind === 'call' ? -entry.seconds : entry.seconds,
      entry.reference,
      clock.now().toISOString(),
    );
    if (Number(inserted.numAffectedRows ?? 0) === 0) return { applied: false, before, after: before };
    const [account] = (await planOf(trx, entry.accountId)).rows;
    // The period row is the account's one hot row: every call report of the account updates it,
    // and its lock is held until the commit. So it is taken after the reads that do not need it.
    // The minutes_low review reads its subscriptions after the lock, not before: one subscribed
    // while this waited for the lock must see this entry's crossing.
    // The current period is the latest one (currentPeriod rolled forward to it).
    const addSeconds = entry.kind === 'call' ? addUsedSeconds : addExtraSeconds;
    const [after] = (await addSeconds(trx, entry.seconds, entry.accountId, before.period_start)).rows;
    if (!after) throw new Error(`Account ${entry.accountId} lost its period ${before.period_start}`);
    await reviewMinutesLow(trx, clock, entry.accountId, toUsage(after, account!.plan_id));
    // The period as the update found it: `before` was read without the row's lock, so on
    // PostgreSQL a concurrent entry may have changed the counter in between.
    const counter = entry.kind === 'call' ? 'used_seconds' : 'extra_seconds';
    return { applied: true, before: { ...after, [counter]: after[counter] - entry.seconds }, after };
  });
}

export interface PeriodStart {
  /** false when the period was already open or is older than the current one (nothing changed). */
  started: boolean;
  before: UsagePeriodRow;
  after: UsagePeriodRow;
}

/**
 * Starts the billing period the payment provider reports (a paid subscription invoice): used time
 * resets, the plan's included time is granted, and unspent purchased time carries over, as at a
 * calendar rollover. The current period is cut short at `start`, and later calendar roll-overs
 * count months from `start`. Reporting the same period again only aligns its end and anchor; a
 * period that starts before the current one is ignored, so a late or repeated report never resets
 * usage twice.
 */
export async function startBillingPeriod(
  db: Db,
  clock: Clock,
  accountId: string,
  start: Date,
  end: Date,
): Promise<PeriodStart> {
  return inTransaction(db, async (trx) => {
    const before = await currentPeriod(trx, accountId, clock);
    const startIso = start.toISOString();
    const endIso = end.toISOString();
    if (startIso < before.period_start) return { started: false, before, after: before };
    if (startIso === before.period_start) {
      if (before.period_end !== endIso || before.period_anchor !== startIso) {
        await trx
          .updateTable('usage_periods')
          .set({ period_end: endIso, period_anchor: startIso })
          .where('account_id', '=', accountId)
          .where('period_start', '=', before.period_start)
          .execute();
      }
      return { started: false, before, after: await latestPeriod(trx, accountId) };
    }
    const account = await trx
      .selectFrom('accounts')
      .select('plan_id')
      .where('id', '=', accountId)
      .executeTakeFirstOrThrow();
    await trx
      .updateTable('usage_periods')
      .set({ period_end: startIso })
      .where('account_id', '=', accountId)
      .where('period_start', '=', before.period_start)
      .execute();
    await trx
      .insertInto('usage_periods')
      .values({
        account_id: accountId,
        period_start: startIso,
        period_end: endIso,
        period_anchor: startIso,
        included_seconds: getPlan(account.plan_id).includedMinutes * 60,
        extra_seconds: carriedExtraSeconds(before),
        used_seconds: 0,
      })
      .execute();
    const after = await latestPeriod(trx, accountId);
    await reviewMinutesLow(trx, clock, accountId, toUsage(after, account.plan_id));
    return { started: true, before, after };
  });
}
