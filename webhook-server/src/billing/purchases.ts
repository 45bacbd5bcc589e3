import type { ExtraMinutesPurchase } from '../../../schemas/generated/types';
import type { PurchaseRow, PurchaseStatus } from '../db/schema';
import { getAccountRow } from '../domain/accounts';
import type { Clock } from '../domain/clock';
import { inTransaction, type Db } from '../domain/db';
import { AppError } from '../domain/errors';
import { recordEvent } from '../domain/events';
import { newId } from '../domain/ids';
import { MINUTES_PER_BLOCK, extraMinutesPriceCents, getPlan } from '../domain/plans';
import { applyLedgerEntry, remainingSeconds } from '../domain/usage';
import { ensureCustomer } from './customers';
import type { BillingDeps } from './planCheckout';

export function toPurchase(row: PurchaseRow): ExtraMinutesPurchase {
  return {
    id: row.id,
    blocks: row.blocks,
    minutes: row.minutes,
    amountCents: row.amount_cents,
    currency: row.currency,
    status: row.status,
    ...(row.checkout_url && row.status === 'pending' ? { checkoutUrl: row.checkout_url } : {}),
    ...(row.message ? { message: row.message } : {}),
    livemode: row.livemode === 1,
    createdAt: row.created_at,
  };
}

export type PurchaseOutcome =
  | { kind: 'succeeded' | 'pending'; purchase: ExtraMinutesPurchase }
  | { kind: 'declined'; purchase: ExtraMinutesPurchase; message: string };

async function getPurchase(db: Db, purchaseId: string): Promise<PurchaseRow> {
  return db
    .selectFrom('billing_purchases')
    .selectAll()
    .where('id', '=', purchaseId)
    .executeTakeFirstOrThrow();
}

/**
 * The purchase of this request, created on the first attempt and found again by its key on a
 * retry, so the amount and ids sent to the provider are identical and its idempotency replays.
 */
async function purchaseForKey(
  deps: BillingDeps,
  accountId: string,
  idempotencyKey: string,
  blocks: number,
): Promise<PurchaseRow> {
  const { db, clock, gateway } = deps;
  const account = await getAccountRow(db, accountId);
  const plan = getPlan(account.plan_id);
  const amountCents = extraMinutesPriceCents(plan, blocks);
  if (amountCents === null) {
    throw new AppError(
      403,
      `The ${plan.name} plan cannot buy extra minutes. Upgrade to a paid plan (POST /v1/api/billing/checkout with a planId such as "starter"), then buy again.`,
      [{ field: 'planId', message: `${plan.id} does not allow extra minutes` }],
    );
  }
  const now = clock.now().toISOString();
  await db
    .insertInto('billing_purchases')
    .values({
      id: newId('pur'),
      account_id: accountId,
      idempotency_key: idempotencyKey,
      blocks,
      minutes: blocks * MINUTES_PER_BLOCK,
      amount_cents: amountCents,
      currency: plan.currency,
      status: 'pending',
      livemode: gateway.livemode ? 1 : 0,
      payment_intent_id: null,
      checkout_session_id: null,
      checkout_url: null,
      message: null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.columns(['account_id', 'idempotency_key']).doNothing())
    .execute();
  return db
    .selectFrom('billing_purchases')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('idempotency_key', '=', idempotencyKey)
    .executeTakeFirstOrThrow();
}

/**
 * Buys `blocks` of extra call time. With a saved default card the payment is confirmed off-session
 * and the minutes are credited in the same call; without one the answer carries a Checkout URL and
 * the minutes are credited when the provider reports the payment. The price is the plan's, never
 * the caller's.
 */
export async function purchaseExtraMinutes(
  deps: BillingDeps,
  accountId: string,
  idempotencyKey: string,
  blocks: number,
): Promise<PurchaseOutcome> {
  const { db, clock, gateway } = deps;
  let purchase = await purchaseForKey(deps, accountId, idempotencyKey, blocks);
  if (purchase.status === 'succeeded') return { kind: 'succeeded', purchase: toPurchase(purchase) };
  // A resumed retry keeps the payment path the purchase already took: after a Checkout session
  // was opened, charging a card saved since then would let the customer pay twice.
  if (purchase.checkout_session_id || (purchase.status === 'pending' && purchase.payment_intent_id)) {
    return { kind: 'pending', purchase: toPurchase(purchase) };
  }

  const customerId = await ensureCustomer(db, clock, gateway, accountId);
  const charge = {
    accountId,
    customerId,
    purchaseId: purchase.id,
    amountCents: purchase.amount_cents,
    currency: purchase.currency,
    blocks: purchase.blocks,
    description: `Atlas extra call time: ${purchase.minutes} minutes`,
  };
  const paymentMethodId = await gateway.defaultPaymentMethod(customerId);
  if (!paymentMethodId) {
    const session = await gateway.paymentCheckout({
      ...charge,
      idempotencyKey: `atlas:${accountId}:extra-minutes-checkout:${idempotencyKey}`,
    });
    await updatePurchase(db, clock, purchase.id, {
      checkout_session_id: session.sessionId,
      checkout_url: session.url,
    });
    return { kind: 'pending', purchase: toPurchase(await getPurchase(db, purchase.id)) };
  }

  const result = await gateway.chargeOffSession({
    ...charge,
    paymentMethodId,
    idempotencyKey: `atlas:${accountId}:extra-minutes:${idempotencyKey}`,
  });
  if (result.status === 'succeeded') {
    purchase = await completePurchase(db, clock, purchase.id, result.paymentIntentId);
    return { kind: 'succeeded', purchase: toPurchase(purchase) };
  }
  if (result.status === 'pending') {
    await updatePurchase(db, clock, purchase.id, { payment_intent_id: result.paymentIntentId });
    return { kind: 'pending', purchase: toPurchase(await getPurchase(db, purchase.id)) };
  }
  await failPurchase(db, clock, purchase.id, result.status, result.message, result.paymentIntentId);
  return {
    kind: 'declined',
    purchase: toPurchase(await getPurchase(db, purchase.id)),
    message: result.message,
  };
}

async function updatePurchase(
  db: Db,
  clock: Clock,
  purchaseId: string,
  set: Partial<Pick<PurchaseRow, 'checkout_session_id' | 'checkout_url' | 'payment_intent_id'>>,
): Promise<void> {
  await db
    .updateTable('billing_purchases')
    .set({ ...set, updated_at: clock.now().toISOString() })
    .where('id', '=', purchaseId)
    .execute();
}

/** Records a failed payment; a purchase that already succeeded stays succeeded. */
export async function failPurchase(
  db: Db,
  clock: Clock,
  purchaseId: string,
  status: Extract<PurchaseStatus, 'failed' | 'requires_action'>,
  message: string,
  paymentIntentId: string | null,
): Promise<void> {
  await db
    .updateTable('billing_purchases')
    .set({
      status,
      message,
      ...(paymentIntentId ? { payment_intent_id: paymentIntentId } : {}),
      updated_at: clock.now().toISOString(),
    })
    .where('id', '=', purchaseId)
    .where('status', '!=', 'succeeded')
    .execute();
}

/**
 * Credits a paid purchase: the ledger entry (unique per purchase), the purchase's status and
 * minutes_purchased commit together, and only the first of however many reports (the API call,
 * payment_intent.succeeded, checkout.session.completed) credits and emits.
 */
export async function completePurchase(
  db: Db,
  clock: Clock,
  purchaseId: string,
  paymentIntentId: string | null,
): Promise<PurchaseRow> {
  return inTransaction(db, async (trx) => {
    const purchase = await getPurchase(trx, purchaseId);
    const change = await applyLedgerEntry(trx, clock, {
      accountId: purchase.account_id,
      kind: 'purchase',
      seconds: purchase.minutes * 60,
      reference: purchase.id,
    });
    await trx
      .updateTable('billing_purchases')
      .set({
        status: 'succeeded',
        message: null,
        ...(paymentIntentId ? { payment_intent_id: paymentIntentId } : {}),
        updated_at: clock.now().toISOString(),
      })
      .where('id', '=', purchaseId)
      .execute();
    if (change.applied) {
      await recordEvent(trx, clock, {
        accountId: purchase.account_id,
        campaignId: null,
        triggerName: 'minutes_purchased',
        data: {
          purchaseId: purchase.id,
          blocks: purchase.blocks,
          minutes: purchase.minutes,
          amountCents: purchase.amount_cents,
          currency: purchase.currency,
          livemode: purchase.livemode === 1,
          remainingMinutes: Math.floor(remainingSeconds(change.after) / 60),
        },
      });
    }
    return getPurchase(trx, purchaseId);
  });
}

export async function findPurchase(db: Db, purchaseId: string): Promise<PurchaseRow | undefined> {
  return db.selectFrom('billing_purchases').selectAll().where('id', '=', purchaseId).executeTakeFirst();
}
