import type { TestEventResult } from '../../../../schemas/generated/types';
import type { TriggerName } from '../../../../schemas/generated/types';
import type { Clock } from '../clock';
import { inTransaction, type Db } from '../db';
import { notFound } from '../errors';
import { recordEvent } from '../events';
import { documentedSample } from './samples';

/**
 * "Send test event" (Svix's "send example"): the trigger's documented sample, marked `test: true`,
 * recorded and delivered to this one subscription like any event, so its signature, retries and
 * attempts are the real ones. A campaign subscription gets the sample moved into its campaign.
 */
export async function sendTestEvent(
  db: Db,
  clock: Clock,
  accountId: string,
  subscriptionId: string,
): Promise<TestEventResult> {
  return inTransaction(db, async (trx) => {
    const subscription = await trx
      .selectFrom('subscriptions')
      .select(['id', 'trigger_name', 'campaign_id'])
      .where('account_id', '=', accountId)
      .where('id', '=', subscriptionId)
      .executeTakeFirst();
    if (!subscription) {
      throw notFound(
        `No subscription ${subscriptionId} in this account. List them with GET /v1/api/events-gateway/trigger/subscriptions.`,
      );
    }
    const triggerName = subscription.trigger_name as TriggerName;
    const sample = documentedSample(accountId, triggerName);
    if (!sample) throw new Error(`events/${triggerName}.json has no documented example`);
    const campaignId =
      subscription.campaign_id === '*' || sample.campaignId === null
        ? sample.campaignId
        : subscription.campaign_id;
    const data = 'campaignId' in sample.data ? { ...sample.data, campaignId } : sample.data;
    const event = await recordEvent(trx, clock, {
      accountId,
      campaignId,
      triggerName,
      data,
      onlySubscriptionIds: [subscription.id],
      test: true,
    });
    const delivery = await trx
      .selectFrom('deliveries')
      .select('id')
      .where('event_id', '=', event.id)
      .executeTakeFirstOrThrow();
    return { deliveryId: delivery.id, event };
  });
}
