import type Stripe from 'stripe';
import type { PaidPlanId } from '../config';
import type { Clock } from '../domain/clock';
import { inTransaction, type Db } from '../domain/db';
import { startBillingPeriod } from '../domain/usage';
import { accountIdForCustomer, ensureBillingAccount } from './customers';
import { completePurchase, failPurchase, findPurchase } from './purchases';
import {
  SERVING,
  lockBillingAccount,
  recordSubscriptionState,
  settleAccountPlan,
  type RecordResult,
} from './stripeSubscriptions';

export interface StripeEventResult {
  /** false when this event id was applied before: nothing changed. */
  applied: boolean;
  outcome: string;
}

type Trx = Db;

/**
 * Applies one verified Stripe event. Its id is stored in the same transaction as its effect, so a
 * redelivered event changes nothing and a crash before commit leaves it to Stripe's retry.
 */
export async function applyStripeEvent(
  db: Db,
  clock: Clock,
  prices: Record<PaidPlanId, string>,
  event: Stripe.Event,
): Promise<StripeEventResult> {
  return inTransaction(db, async (trx) => {
    const claimed = await trx
      .insertInto('stripe_events')
      .values({
        id: event.id,
        type: event.type,
        account_id: null,
        outcome: 'processing',
        created: event.created,
        processed_at: clock.now().toISOString(),
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    if (Number(claimed.numInsertedOrUpdatedRows ?? 0) === 0)
      return { applied: false, outcome: 'already applied' };
    const { accountId, outcome } = await dispatch(trx, clock, prices, event);
    await trx
      .updateTable('stripe_events')
      .set({ account_id: accountId ?? null, outcome })
      .where('id', '=', event.id)
      .execute();
    return { applied: true, outcome };
  });
}

interface Applied {
  accountId?: string;
  outcome: string;
}

async function dispatch(
  trx: Trx,
  clock: Clock,
  prices: Record<PaidPlanId, string>,
  event: Stripe.Event,
): Promise<Applied> {
  switch (event.type) {
    case 'checkout.session.completed':
      return checkoutCompleted(trx, clock, event.data.object);
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
    case 'customer.subscription.deleted':
      return subscriptionChanged(trx, clock, prices, event.data.object, event.created, event.type);
    case 'invoice.paid':
      return invoicePaid(trx, clock, event.data.object);
    case 'payment_intent.succeeded':
      return paymentSucceeded(trx, clock, event.data.object);
    case 'payment_intent.payment_failed':
      return paymentFailed(trx, clock, event.data.object);
    default:
      return { outcome: 'ignored: not a type atlas-connect uses' };
  }
}

const idOf = (value: string | { id: string } | null | undefined) =>
  typeof value === 'string' ? value : value?.id;

async function accountOf(
  trx: Trx,
  customer: string | { id: string } | null,
  metadata?: Stripe.Metadata | null,
) {
  const customerId = idOf(customer);
  const byCustomer = customerId ? await accountIdForCustomer(trx, customerId) : undefined;
  return byCustomer ?? metadata?.accountId ?? undefined;
}

async function accountExists(trx: Trx, accountId: string): Promise<boolean> {
  return !!(await trx.selectFrom('accounts').select('id').where('id', '=', accountId).executeTakeFirst());
}

async function checkoutCompleted(trx: Trx, clock: Clock, session: Stripe.Checkout.Session): Promise<Applied> {
  const purchaseId = session.metadata?.purchaseId;
  if (session.mode === 'payment' && purchaseId) {
    if (session.payment_status !== 'paid') return { outcome: 'ignored: checkout not paid yet' };
    return creditPurchase(trx, clock, purchaseId, {
      accountId: session.metadata?.accountId,
      amount: session.amount_total,
      currency: session.currency,
      paymentIntentId: idOf(session.payment_intent) ?? null,
    });
  }
  if (session.mode === 'subscription') {
    const accountId = session.client_reference_id ?? session.metadata?.accountId;
    const customerId = idOf(session.customer);
    if (!accountId || !customerId || !(await accountExists(trx, accountId)))
      return { outcome: 'ignored: no Atlas account on this session' };
    await linkCustomer(trx, clock, accountId, customerId);
    return { accountId, outcome: 'applied: customer linked; the plan follows the subscription events' };
  }
  return { outcome: 'ignored: checkout session of another kind' };
}

/**
 * Records the account's customer when it has none yet (a customer made outside Atlas). An account
 * keeps the customer it has, and a customer already linked to another account is left there.
 */
async function linkCustomer(trx: Trx, clock: Clock, accountId: string, customerId: string | undefined) {
  if (!customerId || (await accountIdForCustomer(trx, customerId))) return;
  await ensureBillingAccount(trx, clock, accountId);
  await trx
    .updateTable('billing_accounts')
    .set({ customer_id: customerId, updated_at: clock.now().toISOString() })
    .where('account_id', '=', accountId)
    .where('customer_id', 'is', null)
    .execute();
}

/** An unfinished first payment: recorded, but it changes no plan. */
const NOT_STARTED = new Set(['incomplete']);

const RECORD_REFUSED: Record<Exclude<RecordResult, 'recorded'>, string> = {
  older: 'ignored: older than the state applied to this subscription',
  ended: 'ignored: the subscription already ended',
  'other account': 'ignored: the subscription belongs to another account',
};

/**
 * Records the subscription's own state (ordered by its own event times), then derives the plan
 * from all of the account's subscriptions, so an event of a replaced subscription, however late,
 * cannot move the account off the subscription that replaced it.
 */
async function subscriptionChanged(
  trx: Trx,
  clock: Clock,
  prices: Record<PaidPlanId, string>,
  subscription: Stripe.Subscription,
  eventCreated: number,
  type: string,
): Promise<Applied> {
  const accountId = await accountOf(trx, subscription.customer, subscription.metadata);
  if (!accountId || !(await accountExists(trx, accountId)))
    return { outcome: 'ignored: subscription of no Atlas account' };
  const deleted = type === 'customer.subscription.deleted';
  const status = deleted ? 'canceled' : subscription.status;

  const priceIds = subscription.items.data.map((item) => item.price.id);
  const match = (Object.entries(prices) as [PaidPlanId, string][]).find(([, price]) =>
    priceIds.includes(price),
  );
  if (SERVING.has(status) && !match)
    return { accountId, outcome: `ignored: no configured plan has price ${priceIds.join(', ')}` };

  await lockBillingAccount(trx, clock, accountId);
  const recorded = await recordSubscriptionState(trx, clock, {
    id: subscription.id,
    accountId,
    status,
    priceId: match?.[1] ?? priceIds[0] ?? null,
    planId: match?.[0] ?? null,
    created: subscription.created,
    eventCreated,
  });
  if (recorded !== 'recorded') return { accountId, outcome: RECORD_REFUSED[recorded] };
  await linkCustomer(trx, clock, accountId, idOf(subscription.customer));
  if (NOT_STARTED.has(status)) return { accountId, outcome: 'recorded: first payment not completed' };

  const { planId, changed, current } = await settleAccountPlan(trx, clock, accountId);
  if (changed) return { accountId, outcome: `applied: plan ${planId}` };
  if (!current || current.id === subscription.id)
    return { accountId, outcome: `applied: plan stays ${planId}` };
  const what = deleted ? 'deletion of a subscription that was replaced' : `${status} subscription`;
  return {
    accountId,
    outcome: `recorded: ${what}; the account's current one is ${current.id}, plan stays ${planId}`,
  };
}

/** Subscription invoices that open a new service period (not mid-period proration invoices). */
const PERIOD_REASONS = new Set(['subscription_create', 'subscription_cycle']);

async function invoicePaid(trx: Trx, clock: Clock, invoice: Stripe.Invoice): Promise<Applied> {
  const accountId = await accountOf(trx, invoice.customer, invoice.parent?.subscription_details?.metadata);
  if (!accountId || !(await accountExists(trx, accountId)))
    return { outcome: 'ignored: invoice of no Atlas account' };
  if (!invoice.billing_reason || !PERIOD_REASONS.has(invoice.billing_reason))
    return { accountId, outcome: `ignored: ${invoice.billing_reason ?? 'no'} invoice opens no period` };
  // The invoice's own period_start/end describe the previous period for subscription invoices;
  // the subscription line's period is the one just paid for.
  const line = invoice.lines.data
    .filter((l) => l.period && l.period.end > l.period.start)
    .sort((a, b) => b.period.end - a.period.end)[0];
  if (!line) return { accountId, outcome: 'ignored: invoice has no service period' };
  const result = await startBillingPeriod(
    trx,
    clock,
    accountId,
    new Date(line.period.start * 1000),
    new Date(line.period.end * 1000),
  );
  return {
    accountId,
    outcome: result.started ? 'applied: new period started' : 'applied: period already current',
  };
}

async function creditPurchase(
  trx: Trx,
  clock: Clock,
  purchaseId: string,
  paid: {
    accountId?: string;
    amount: number | null;
    currency: string | null;
    paymentIntentId: string | null;
  },
): Promise<Applied> {
  const purchase = await findPurchase(trx, purchaseId);
  if (!purchase) return { outcome: `ignored: no purchase ${purchaseId}` };
  const accountId = purchase.account_id;
  // Metadata is ours, but a payment that does not match what was priced is never credited blindly.
  if (
    paid.accountId !== accountId ||
    paid.amount !== purchase.amount_cents ||
    paid.currency !== purchase.currency
  )
    return {
      accountId,
      outcome: 'ignored: payment does not match the purchase (account, amount or currency)',
    };
  await completePurchase(trx, clock, purchaseId, paid.paymentIntentId);
  return { accountId, outcome: 'applied: purchase credited' };
}

async function paymentSucceeded(trx: Trx, clock: Clock, intent: Stripe.PaymentIntent): Promise<Applied> {
  const purchaseId = intent.metadata?.purchaseId;
  if (!purchaseId) return { outcome: 'ignored: not an extra-minutes payment' };
  return creditPurchase(trx, clock, purchaseId, {
    accountId: intent.metadata.accountId,
    amount: intent.amount_received,
    currency: intent.currency,
    paymentIntentId: intent.id,
  });
}

async function paymentFailed(trx: Trx, clock: Clock, intent: Stripe.PaymentIntent): Promise<Applied> {
  const purchaseId = intent.metadata?.purchaseId;
  if (!purchaseId) return { outcome: 'ignored: not an extra-minutes payment' };
  const purchase = await findPurchase(trx, purchaseId);
  if (!purchase || purchase.account_id !== intent.metadata.accountId)
    return { outcome: `ignored: no matching purchase ${purchaseId}` };
  const reason = intent.last_payment_error?.decline_code ?? intent.last_payment_error?.code ?? 'declined';
  await failPurchase(
    trx,
    clock,
    purchaseId,
    'failed',
    `The payment failed (${reason}). Nothing was charged; buy again with a new Idempotency-Key.`,
    intent.id,
  );
  return { accountId: purchase.account_id, outcome: 'applied: purchase marked failed' };
}
