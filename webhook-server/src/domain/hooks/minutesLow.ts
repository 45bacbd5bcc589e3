import type { Usage } from '../../../../schemas/generated/types';
import type { Clock } from '../clock';
import { compiledOnce } from '../compiledOnce';
import type { Db } from '../db';
import { recordEvent } from '../events';
import { defaultThresholdMinutes } from './thresholds';

// Every change to remaining time (each call report) reads them: compiled once.
const minutesLowSubscriptions = compiledOnce((db, accountId: string) =>
  db
    .selectFrom('subscriptions')
    .select(['id', 'threshold_minutes', 'armed'])
    .where('account_id', '=', accountId)
    .where('trigger_name', '=', 'minutes_low'),
);

/**
 * Fires minutes_low for each subscription whose threshold the remaining time has just dropped
 * below, once per crossing, and re-arms those whose threshold it is back at or above. Call it in
 * the transaction of every change to remaining time (ledger entries, plan changes, new periods),
 * with the usage after the change. The conditional update makes a concurrent review fire once.
 */
export async function reviewMinutesLow(db: Db, clock: Clock, accountId: string, usage: Usage): Promise<void> {
  const { rows: subscriptions } = await minutesLowSubscriptions(db, accountId);
  for (const subscription of subscriptions) {
    const thresholdMinutes = subscription.threshold_minutes ?? defaultThresholdMinutes(usage.includedMinutes);
    const below = usage.remainingSeconds < thresholdMinutes * 60;
    if (below === (subscription.armed === 0)) continue;
    const flipped = await db
      .updateTable('subscriptions')
      .set({ armed: below ? 0 : 1 })
      .where('id', '=', subscription.id)
      .where('armed', '=', below ? 1 : 0)
      .executeTakeFirst();
    if (!below || Number(flipped.numUpdatedRows) === 0) continue;
    await recordEvent(db, clock, {
      accountId,
      campaignId: null,
      triggerName: 'minutes_low',
      onlySubscriptionIds: [subscription.id],
      data: {
        remainingMinutes: usage.remainingMinutes,
        thresholdMinutes,
        includedMinutes: usage.includedMinutes,
        extraMinutes: usage.extraMinutes,
        usedMinutes: usage.usedMinutes,
        percentUsed: usage.percentUsed,
        periodEnd: usage.periodEnd,
      },
    });
  }
}
