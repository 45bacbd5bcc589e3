import type { PlanId } from '../../../schemas/generated/types';
import type { StripeSubscriptionRow } from '../db/schema';
import { changePlan } from '../domain/accounts';
import type { Clock } from '../domain/clock';
import type { Db } from '../domain/db';
import { ensureBillingAccount } from './customers';

/** Statuses in which a subscription's plan is in force; the others count for nothing. */
export const SERVING = new Set(['active', 'trialing', 'past_due']);
/** Terminal in Stripe: a subscription in one of these never serves again. */
const ENDED = new Set(['canceled', 'incomplete_expired']);

export interface SubscriptionState {
  id: string;
  accountId: string;
  status: string;
  priceId: string | null;
  planId: PlanId | null;
  /** The subscription's own `created` (Unix s). */
  created: number;
  /** The event's `created` (Unix s). */
  eventCreated: number;
}

export type RecordResult = 'recorded' | 'older' | 'ended' | 'other account';

/**
 * Holds the account's billing row until the transaction ends, so the subscription events of one
 * account are applied one after another: each derives the plan from what the previous ones stored.
 */
export async function lockBillingAccount(db: Db, clock: Clock, accountId: string): Promise<void> {
  await ensureBillingAccount(db, clock, accountId);
  await db
    .updateTable('billing_accounts')
    .set({ updated_at: clock.now().toISOString() })
    .where('account_id', '=', accountId)
    .execute();
}

/**
 * Stores one subscription's state from an event, unless that subscription already has a newer
 * event applied (Stripe does not deliver in order) or has ended (Stripe never revives it).
 * Call under lockBillingAccount.
 */
export async function recordSubscriptionState(
  db: Db,
  clock: Clock,
  state: SubscriptionState,
): Promise<RecordResult> {
  const known = await db
    .selectFrom('stripe_subscriptions')
    .selectAll()
    .where('id', '=', state.id)
    .executeTakeFirst();
  if (known && known.account_id !== state.accountId) return 'other account';
  if (known && state.eventCreated < known.last_event_created) return 'older';
  const ends = ENDED.has(state.status);
  if (known?.ended_at && !ends) return 'ended';
  const now = clock.now().toISOString();
  const values = {
    status: state.status,
    price_id: state.priceId,
    plan_id: state.planId,
    created: state.created,
    last_event_created: state.eventCreated,
    ended_at: known?.ended_at ?? (ends ? now : null),
    updated_at: now,
  };
  await db
    .insertInto('stripe_subscriptions')
    .values({ id: state.id, account_id: state.accountId, ...values })
    .onConflict((oc) => oc.column('id').doUpdateSet(values))
    .execute();
  return 'recorded';
}

export interface Settled {
  planId: PlanId;
  changed: boolean;
  /** The subscription whose plan the account is on, if any serves. */
  current?: StripeSubscriptionRow;
}

/**
 * Puts the account on the plan its subscriptions call for: of those serving, the most recently
 * created one (a customer who subscribes again replaces the old subscription), or free when none
 * serves. billing_accounts mirrors that subscription (or the newest one when none serves).
 */
export async function settleAccountPlan(db: Db, clock: Clock, accountId: string): Promise<Settled> {
  const rows = await db
    .selectFrom('stripe_subscriptions')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('created', 'desc')
    .orderBy('last_event_created', 'desc')
    .orderBy('id', 'desc')
    .execute();
  const current = rows.find((row) => SERVING.has(row.status) && row.plan_id !== null);
  const shown = current ?? rows[0];
  await db
    .updateTable('billing_accounts')
    .set({
      subscription_id: shown?.id ?? null,
      subscription_status: shown?.status ?? null,
      subscription_event_created: shown?.last_event_created ?? null,
      updated_at: clock.now().toISOString(),
    })
    .where('account_id', '=', accountId)
    .execute();
  const planId = current?.plan_id ?? 'free';
  const change = await changePlan(db, clock, accountId, planId);
  return { planId, changed: change.changed, current };
}
