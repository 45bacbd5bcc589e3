import type { Router } from 'express';
import type {
  BillingCheckoutRequest,
  ExtraMinutesPurchaseRequest,
} from '../../../../schemas/generated/types';
import { planCheckoutUrl, portalUrl, type BillingDeps } from '../../billing/planCheckout';
import { findPurchase, purchaseExtraMinutes, toPurchase } from '../../billing/purchases';
import { notFound } from '../../domain/errors';
import { accountIdOf } from '../auth';
import type { AppContext } from '../context';
import { errorBody } from '../errors';
import {
  idempotencyKeyOf,
  requestFingerprint,
  runIdempotent,
  sendStored,
  type StoredResponse,
} from '../idempotency';
import { parseBody } from '../validation';

export const EXTRA_MINUTES_PATH = '/v1/api/billing/extra-minutes';

/**
 * Buys extra minutes at most once per (account, Idempotency-Key): the API and the Account page's
 * confirmation both come here, so a retried request or a double click is answered, not charged again.
 */
export async function buyExtraMinutesOnce(
  deps: BillingDeps,
  accountId: string,
  key: string,
  blocks: number,
): Promise<StoredResponse & { replayed: boolean }> {
  const fingerprint = requestFingerprint('POST', EXTRA_MINUTES_PATH, { blocks });
  return runIdempotent(deps.db, deps.clock, { accountId, key, fingerprint }, async () => {
    const outcome = await purchaseExtraMinutes(deps, accountId, key, blocks);
    if (outcome.kind === 'declined') return { status: 402, body: errorBody(402, outcome.message) };
    return { status: outcome.kind === 'succeeded' ? 201 : 202, body: outcome.purchase };
  });
}

export function billingRoutes({ storage, clock, billing }: AppContext, router: Router): void {
  const deps: BillingDeps = { db: storage.db, clock, gateway: billing };

  router.post('/billing/checkout', async (req, res) => {
    const { planId } = parseBody<BillingCheckoutRequest>('BillingCheckoutRequest.json', req.body);
    res.json({ url: await planCheckoutUrl(deps, accountIdOf(res), planId) });
  });

  router.post('/billing/portal', async (_req, res) => {
    res.json({ url: await portalUrl(deps, accountIdOf(res)) });
  });

  router.post('/billing/extra-minutes', async (req, res) => {
    const accountId = accountIdOf(res);
    const key = idempotencyKeyOf(req, true) as string;
    const { blocks } = parseBody<ExtraMinutesPurchaseRequest>('ExtraMinutesPurchaseRequest.json', req.body);
    sendStored(res, await buyExtraMinutesOnce(deps, accountId, key, blocks));
  });

  // A pending purchase (paid through Checkout) becomes succeeded once Stripe reports the payment.
  router.get('/billing/extra-minutes/:id', async (req, res) => {
    const purchase = await findPurchase(storage.db, req.params.id);
    if (!purchase || purchase.account_id !== accountIdOf(res)) {
      throw notFound(`No purchase ${req.params.id} in this account.`);
    }
    res.json(toPurchase(purchase));
  });
}
