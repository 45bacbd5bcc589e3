import type { EventEnvelope } from '../../../../schemas/generated/types';
import type { Db } from '../db';
import { newId } from '../ids';
import { announceDeliveries } from './newWork';

/**
 * Queues one delivery per matching subscription, in the caller's transaction, so an event and its
 * deliveries exist together or not at all. A campaign event goes to the subscriptions of its
 * campaign and to "*"; an account-wide event (campaignId null) to every subscription of its trigger.
 * `onlySubscriptionIds` narrows the audience (minutes_low goes to the subscription that crossed).
 */
export async function fanOut(db: Db, event: EventEnvelope, onlySubscriptionIds?: string[]): Promise<number> {
  if (onlySubscriptionIds?.length === 0) return 0;
  let query = db
    .selectFrom('subscriptions')
    .select(['id', 'hook_url'])
    .where('account_id', '=', event.accountId)
    .where('trigger_name', '=', event.triggerName);
  const campaignId = event.campaignId;
  if (campaignId !== null)
    query = query.where((eb) => eb.or([eb('campaign_id', '=', '*'), eb('campaign_id', '=', campaignId)]));
  if (onlySubscriptionIds) query = query.where('id', 'in', onlySubscriptionIds);
  // A call a GHL workflow started belongs to its GHL location: its events reach the workflows of
  // that location, not those of the account's other linked locations.
  const callId = (event.data as { callId?: unknown }).callId;
  if (typeof callId === 'string')
    query = query.where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('ghl_trigger_subscriptions as g')
            .innerJoin('ghl_calls as c', (join) => join.on('c.call_id', '=', callId))
            .select('g.id')
            .whereRef('g.subscription_id', '=', 'subscriptions.id')
            .whereRef('g.location_id', '<>', 'c.location_id'),
        ),
      ),
    );
  const subscriptions = await query.execute();
  if (subscriptions.length === 0) return 0;

  await db
    .insertInto('deliveries')
    .values(
      subscriptions.map((subscription) => ({
        id: newId('dlv'),
        account_id: event.accountId,
        subscription_id: subscription.id,
        event_id: event.id,
        hook_url: subscription.hook_url,
        status: 'pending' as const,
        attempt_count: 0,
        next_attempt_at: event.createdAt,
        locked_until: null,
        locked_by: null,
        last_status_code: null,
        last_error: null,
        created_at: event.createdAt,
        updated_at: event.createdAt,
        delivered_at: null,
      })),
    )
    .execute();
  await announceDeliveries(db);
  return subscriptions.length;
}
