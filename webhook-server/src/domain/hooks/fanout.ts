import type { EventEnvelope } from '../../../../schemas/generated/types';
import type { DeliveryRow } from '../../db/schema';
import { compiledOnce, rowOf, type Bound } from '../compiledOnce';
import type { Db } from '../db';
import { newId } from '../ids';
import { announceDeliveries } from './newWork';

/**
 * The subscriptions an event goes to. A campaign event goes to the subscriptions of its campaign
 * and to "*"; an account-wide event (campaignId undefined) to every subscription of its trigger.
 * A call a GHL workflow started belongs to its GHL location: its events (callId defined) reach the
 * workflows of that location, not those of the account's other linked locations.
 */
export function audience(
  db: Db,
  accountId: string,
  triggerName: string,
  campaignId?: string,
  callId?: string,
) {
  let query = db
    .selectFrom('subscriptions')
    .select(['id', 'hook_url'])
    .where('account_id', '=', accountId)
    .where('trigger_name', '=', triggerName);
  if (campaignId !== undefined)
    query = query.where((eb) => eb.or([eb('campaign_id', '=', '*'), eb('campaign_id', '=', campaignId)]));
  if (callId !== undefined)
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
  return query;
}

// Every event runs one of these (a call report, its call_completed): compiled once each.
const audienceOfCallInCampaign = compiledOnce(
  (db, accountId: string, triggerName: string, campaignId: string, callId: string) =>
    audience(db, accountId, triggerName, campaignId, callId),
);
const audienceInCampaign = compiledOnce((db, accountId: string, triggerName: string, campaignId: string) =>
  audience(db, accountId, triggerName, campaignId),
);
const audienceOfCall = compiledOnce((db, accountId: string, triggerName: string, callId: string) =>
  audience(db, accountId, triggerName, undefined, callId),
);
const audienceOfAccount = compiledOnce((db, accountId: string, triggerName: string) =>
  audience(db, accountId, triggerName),
);

/** The campaign and the call an event's audience is narrowed by (see audience), when it has them. */
function audienceKeys(event: EventEnvelope): { campaignId?: string; callId?: string } {
  const callId = (event.data as { callId?: unknown }).callId;
  return {
    campaignId: event.campaignId ?? undefined,
    callId: typeof callId === 'string' ? callId : undefined,
  };
}

/** One query per shape of audience, so that each is compiled once (compiledOnce). */
export interface AudienceShapes<T> {
  callInCampaign(campaignId: string, callId: string): T;
  campaign(campaignId: string): T;
  call(callId: string): T;
  account(): T;
}

/** Runs the query of the event's shape of audience. */
export function byAudienceShape<T>(event: EventEnvelope, shapes: AudienceShapes<T>): T {
  const { campaignId, callId } = audienceKeys(event);
  if (campaignId !== undefined)
    return callId !== undefined ? shapes.callInCampaign(campaignId, callId) : shapes.campaign(campaignId);
  return callId !== undefined ? shapes.call(callId) : shapes.account();
}

function audienceOf(db: Db, event: EventEnvelope, onlySubscriptionIds?: string[]) {
  const { accountId, triggerName } = event;
  // The narrowed audience (minutes_low) lists ids: a query of its own each time.
  if (onlySubscriptionIds) {
    const { campaignId, callId } = audienceKeys(event);
    return audience(db, accountId, triggerName, campaignId, callId)
      .where('id', 'in', onlySubscriptionIds)
      .execute();
  }
  return byAudienceShape(event, {
    callInCampaign: (campaignId, callId) =>
      audienceOfCallInCampaign(db, accountId, triggerName, campaignId, callId),
    campaign: (campaignId) => audienceInCampaign(db, accountId, triggerName, campaignId),
    call: (callId) => audienceOfCall(db, accountId, triggerName, callId),
    account: () => audienceOfAccount(db, accountId, triggerName),
  }).then((result) => result.rows);
}

const DELIVERY_COLUMNS = [
  'id',
  'account_id',
  'subscription_id',
  'event_id',
  'hook_url',
  'status',
  'attempt_count',
  'next_attempt_at',
  'locked_until',
  'locked_by',
  'last_status_code',
  'last_error',
  'created_at',
  'updated_at',
  'delivered_at',
] as const satisfies readonly (keyof DeliveryRow)[];

// The usual event has one subscriber: one row, compiled once.
const insertDelivery = compiledOnce((db, ...values: Bound[]) =>
  db.insertInto('deliveries').values(rowOf(DELIVERY_COLUMNS, values) as unknown as DeliveryRow),
);

/**
 * Queues one delivery per matching subscription (see audience), in the caller's transaction, so an
 * event and its deliveries exist together or not at all. `onlySubscriptionIds` narrows the
 * audience (minutes_low goes to the subscription that crossed).
 */
export async function fanOut(db: Db, event: EventEnvelope, onlySubscriptionIds?: string[]): Promise<number> {
  if (onlySubscriptionIds?.length === 0) return 0;
  const subscriptions = await audienceOf(db, event, onlySubscriptionIds);
  if (subscriptions.length === 0) return 0;

  const rows = subscriptions.map((subscription): Record<(typeof DELIVERY_COLUMNS)[number], Bound> => ({
    id: newId('dlv'),
    account_id: event.accountId,
    subscription_id: subscription.id,
    event_id: event.id,
    hook_url: subscription.hook_url,
    status: 'pending',
    attempt_count: 0,
    next_attempt_at: event.createdAt,
    locked_until: null,
    locked_by: null,
    last_status_code: null,
    last_error: null,
    created_at: event.createdAt,
    updated_at: event.createdAt,
    delivered_at: null,
  }));
  if (rows.length === 1) await insertDelivery(db, ...DELIVERY_COLUMNS.map((column) => rows[0]![column]));
  else
    await db
      .insertInto('deliveries')
      .values(rows as unknown as DeliveryRow[])
      .execute();
  announceDeliveries(db);
  return subscriptions.length;
}
