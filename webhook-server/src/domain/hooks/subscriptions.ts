import { requireCampaignOfAccount } from '../campaigns';
import { randomBytes } from 'node:crypto';
import type { SubscribeRequest, Subscription, TriggerName } from '../../../../schemas/generated/types';
import type { SubscriptionRow } from '../../db/schema';
import type { Clock } from '../clock';
import { inTransaction, type Db } from '../db';
import { badRequest, notFound } from '../errors';
import { newId } from '../ids';
import { getPlan } from '../plans';
import { currentPeriod, remainingSeconds } from '../usage';
import { defaultThresholdMinutes } from './thresholds';

/** Standard Webhooks secrets: whsec_ + base64 of 24 random bytes (192 bits). */
function newSigningSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export function toSubscription(
  row: SubscriptionRow,
  includedMinutes: number,
  withSecret: boolean,
): Subscription {
  return {
    id: row.id,
    hookUrl: row.hook_url,
    triggerName: row.trigger_name as TriggerName,
    campaignId: row.campaign_id,
    provider: row.provider as Subscription['provider'],
    thresholdMinutes:
      row.trigger_name === 'minutes_low'
        ? (row.threshold_minutes ?? defaultThresholdMinutes(includedMinutes))
        : null,
    ...(withSecret ? { secret: row.secret } : {}),
    createdAt: row.created_at,
  };
}

async function planIncludedMinutes(db: Db, accountId: string): Promise<number> {
  const account = await db
    .selectFrom('accounts')
    .select('plan_id')
    .where('id', '=', accountId)
    .executeTakeFirstOrThrow();
  return getPlan(account.plan_id).includedMinutes;
}

async function assertCampaignOfAccount(db: Db, accountId: string, campaignId: string): Promise<void> {
  if (campaignId === '*') return;
  await requireCampaignOfAccount(
    db,
    accountId,
    campaignId,
    'Use "*" for every campaign or an id from GET /v1/api/campaigns.',
  );
}

export interface SubscribeResult {
  subscription: Subscription;
  /** false when the same hookUrl + triggerName + campaignId was already subscribed. */
  created: boolean;
}

/** Subscribes a hook; subscribing the same hookUrl, trigger and campaign again returns the existing one. */
export async function subscribe(
  db: Db,
  clock: Clock,
  accountId: string,
  request: SubscribeRequest,
): Promise<SubscribeResult> {
  const campaignId = request.campaignId ?? '*';
  if (request.thresholdMinutes !== undefined && request.triggerName !== 'minutes_low') {
    throw badRequest('thresholdMinutes applies to the minutes_low trigger only; remove it.', [
      { field: 'thresholdMinutes', message: 'is for minutes_low only' },
    ]);
  }
  return inTransaction(db, async (trx) => {
    await assertCampaignOfAccount(trx, accountId, campaignId);
    const includedMinutes = await planIncludedMinutes(trx, accountId);
    const find = () =>
      trx
        .selectFrom('subscriptions')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('hook_url', '=', request.hookUrl)
        .where('trigger_name', '=', request.triggerName)
        .where('campaign_id', '=', campaignId)
        .executeTakeFirst();
    const existing = await find();
    if (existing) return { subscription: toSubscription(existing, includedMinutes, true), created: false };

    const thresholdMinutes =
      request.triggerName === 'minutes_low' ? (request.thresholdMinutes ?? null) : null;
    // A minutes_low hook fires on the next crossing: armed only while remaining time is at or above it.
    const period = await currentPeriod(trx, accountId, clock);
    const threshold = thresholdMinutes ?? defaultThresholdMinutes(includedMinutes);
    const row: SubscriptionRow = {
      id: newId('sub'),
      account_id: accountId,
      hook_url: request.hookUrl,
      trigger_name: request.triggerName,
      campaign_id: campaignId,
      provider: request.provider ?? 'custom',
      threshold_minutes: thresholdMinutes,
      armed: remainingSeconds(period) >= threshold * 60 ? 1 : 0,
      secret: newSigningSecret(),
      created_at: clock.now().toISOString(),
    };
    const inserted = await trx
      .insertInto('subscriptions')
      .values(row)
      .onConflict((oc) => oc.columns(['account_id', 'hook_url', 'trigger_name', 'campaign_id']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) {
      const raced = await find();
      if (raced) return { subscription: toSubscription(raced, includedMinutes, true), created: false };
    }
    return { subscription: toSubscription(row, includedMinutes, true), created: true };
  });
}

/**
 * Removes a subscription; its pending deliveries are cancelled (their history stays).
 * Used by unsubscribe and when a receiver answers 410 Gone.
 */
export async function removeSubscription(db: Db, clock: Clock, subscriptionId: string): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const deleted = await trx.deleteFrom('subscriptions').where('id', '=', subscriptionId).executeTakeFirst();
    await trx
      .updateTable('deliveries')
      .set({ status: 'cancelled', next_attempt_at: null, updated_at: clock.now().toISOString() })
      .where('subscription_id', '=', subscriptionId)
      .where('status', '=', 'pending')
      // Requests to the calling platform belong to no subscription, whatever id they carry.
      .where('call_id', 'is', null)
      .execute();
    return Number(deleted.numDeletedRows) > 0;
  });
}

export type UnsubscribeTarget =
  { id: string } | { hookUrl: string; triggerName: string; campaignId?: string };

export async function unsubscribe(
  db: Db,
  clock: Clock,
  accountId: string,
  target: UnsubscribeTarget,
): Promise<void> {
  let query = db.selectFrom('subscriptions').select('id').where('account_id', '=', accountId);
  query =
    'id' in target
      ? query.where('id', '=', target.id)
      : query
          .where('hook_url', '=', target.hookUrl)
          .where('trigger_name', '=', target.triggerName)
          .where('campaign_id', '=', target.campaignId ?? '*');
  const found = await query.executeTakeFirst();
  if (!found) {
    throw notFound(
      'No such subscription in this account. List them with GET /v1/api/events-gateway/trigger/subscriptions.',
    );
  }
  await removeSubscription(db, clock, found.id);
}

/** One page of the account's subscriptions, oldest first, without their secrets. */
export async function listSubscriptions(
  db: Db,
  accountId: string,
  limit: number,
  afterId?: string,
): Promise<Subscription[]> {
  let query = db.selectFrom('subscriptions').selectAll().where('account_id', '=', accountId);
  if (afterId) query = query.where('id', '>', afterId);
  const rows = await query.orderBy('id', 'asc').limit(limit).execute();
  const includedMinutes = await planIncludedMinutes(db, accountId);
  return rows.map((row) => toSubscription(row, includedMinutes, false));
}
