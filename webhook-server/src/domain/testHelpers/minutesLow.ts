import { randomUUID } from 'node:crypto';
import type { TestUsageResult } from '../../../../schemas/generated/types';
import { getAccountRow } from '../accounts';
import type { Clock } from '../clock';
import { inTransaction, type Db } from '../db';
import { conflict } from '../errors';
import { defaultThresholdMinutes } from '../hooks/thresholds';
import { getPlan } from '../plans';
import { applyLedgerEntry, currentPeriod, remainingSeconds, toUsage } from '../usage';

/**
 * Test helper: uses just enough call time, through the minute ledger as a completed call does, for
 * remaining time to drop below the highest threshold among the armed minutes_low subscriptions, so
 * minutes_low fires for real (once per crossing, to the subscriptions that crossed).
 */
export async function useCallTimeBelowThreshold(
  db: Db,
  clock: Clock,
  accountId: string,
): Promise<TestUsageResult> {
  return inTransaction(db, async (trx) => {
    const account = await getAccountRow(trx, accountId);
    const includedMinutes = getPlan(account.plan_id).includedMinutes;
    const armed = await trx
      .selectFrom('subscriptions')
      .select('threshold_minutes')
      .where('account_id', '=', accountId)
      .where('trigger_name', '=', 'minutes_low')
      .where('armed', '=', 1)
      .execute();
    const thresholds = armed.map((s) => s.threshold_minutes ?? defaultThresholdMinutes(includedMinutes));
    const thresholdMinutes = Math.max(0, ...thresholds);
    const remaining = remainingSeconds(await currentPeriod(trx, accountId, clock));
    if (armed.length === 0 || thresholdMinutes === 0 || remaining < thresholdMinutes * 60) {
      throw conflict(
        'No minutes_low subscription of this account is armed, so nothing can fire: subscribe one to minutes_low, or lift remaining minutes back above its threshold (buy minutes or change plan).',
      );
    }
    const usedSeconds = remaining - thresholdMinutes * 60 + 1;
    const change = await applyLedgerEntry(trx, clock, {
      accountId,
      kind: 'call',
      seconds: usedSeconds,
      reference: `test_helper_${randomUUID()}`,
    });
    return { usedSeconds, thresholdMinutes, usage: toUsage(change.after, account.plan_id) };
  });
}
