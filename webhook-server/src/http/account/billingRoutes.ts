import { randomUUID } from 'node:crypto';
import { Router, type Response } from 'express';
import type {
  BillingCheckoutRequest,
  ExtraMinutesPurchase,
  ExtraMinutesPurchaseRequest,
} from '../../../../schemas/generated/types';
import { planCheckoutUrl, portalUrl, type BillingDeps } from '../../billing/planCheckout';
import { findPurchase, toPurchase } from '../../billing/purchases';
import { AppError } from '../../domain/errors';
import { extraMinutesPriceCents, getPlan } from '../../domain/plans';
import { getUsage } from '../../domain/usage';
import { buyExtraMinutesOnce } from '../routes/billing';
import { parseBody } from '../validation';
import { billingBody, confirmBody, type BillingView } from './billingPage';
import type { AccountPageDeps } from './deps';
import { sendPage } from './layout';
import { pageSessionOf, requireCsrf } from './session';

const NOTICES: Record<string, string> = {
  plan: 'Sandbox billing: your plan is changed at once and no payment was taken.',
  portal: 'Sandbox billing has no customer portal: choose a plan below, or buy extra minutes.',
};

/** The same key's first request may still be running (a double click): wait briefly for its answer. */
const IN_PROGRESS_RETRIES = 20;
const IN_PROGRESS_WAIT_MS = 100;

const blocksOf = (value: unknown) =>
  typeof value === 'string' && /^\d{1,4}$/.test(value) ? Number(value) : value;

/** Account Billing: plan, usage, plan cards, extra minutes; all through the billing domain and port. */
export function billingPageRoutes(deps: AccountPageDeps): Router {
  const { storage, clock, billing } = deps;
  const { db } = storage;
  const billingDeps: BillingDeps = { db, clock, gateway: billing };
  const sandbox = billing.adapter === 'sandbox';
  const router = Router();

  const show = async (res: Response, status: number, view: Partial<BillingView> = {}) => {
    const { account, csrfToken } = pageSessionOf(res);
    sendPage(res, status, {
      title: 'Account Billing',
      signedIn: { companyName: account.company_name, csrfToken, tab: 'billing', sandbox },
      scripts: ['account.js'],
      body: billingBody({
        plan: getPlan(account.plan_id),
        usage: await getUsage(db, account.id, account.plan_id, clock),
        csrfToken,
        sandbox,
        ...view,
      }),
    });
  };

  const refusedHere = async (res: Response, err: unknown) => {
    if (!(err instanceof AppError) || err.statusCode >= 500) throw err;
    await show(res, err.statusCode, { alert: err.message });
  };

  router.get('/account/billing', async (req, res) => {
    const { accountId } = pageSessionOf(res);
    const notice = typeof req.query.done === 'string' ? NOTICES[req.query.done] : undefined;
    let purchase: ExtraMinutesPurchase | undefined;
    if (typeof req.query.purchase === 'string') {
      const row = await findPurchase(db, req.query.purchase);
      if (row && row.account_id === accountId) purchase = toPurchase(row);
    }
    await show(res, 200, { notice, purchase });
  });

  router.post('/account/billing/portal', requireCsrf, async (_req, res) => {
    const url = await portalUrl(billingDeps, pageSessionOf(res).accountId);
    res.redirect(303, sandbox ? '/account/billing?done=portal' : url);
  });

  router.post('/account/billing/plan', requireCsrf, async (req, res) => {
    let url: string;
    try {
      const { planId } = parseBody<BillingCheckoutRequest>('BillingCheckoutRequest.json', {
        planId: req.body?.planId,
      });
      url = await planCheckoutUrl(billingDeps, pageSessionOf(res).accountId, planId);
    } catch (err) {
      return refusedHere(res, err);
    }
    res.redirect(303, sandbox ? '/account/billing?done=plan' : url);
  });

  router.post('/account/billing/extra-minutes/review', requireCsrf, async (req, res) => {
    const { account, csrfToken } = pageSessionOf(res);
    let blocks: number;
    try {
      ({ blocks } = parseBody<ExtraMinutesPurchaseRequest>('ExtraMinutesPurchaseRequest.json', {
        blocks: blocksOf(req.body?.blocks),
      }));
    } catch {
      const typed: unknown = req.body?.blocks;
      return show(res, 400, {
        refusedBlocks: {
          value: typeof typed === 'string' ? typed.slice(0, 12) : '',
          problem: 'Enter a whole number of blocks from 1 to 100.',
        },
      });
    }
    const plan = getPlan(account.plan_id);
    const amountCents = extraMinutesPriceCents(plan, blocks);
    if (amountCents === null)
      return show(res, 403, { alert: `The ${plan.name} plan cannot buy extra minutes.` });
    sendPage(res, 200, {
      title: 'Confirm purchase',
      signedIn: { companyName: account.company_name, csrfToken, tab: 'billing', sandbox },
      scripts: ['account.js'],
      body: confirmBody({ plan, blocks, amountCents, idempotencyKey: randomUUID(), csrfToken }),
    });
  });

  router.post('/account/billing/extra-minutes', requireCsrf, async (req, res) => {
    const { accountId } = pageSessionOf(res);
    const key = typeof req.body?.idempotencyKey === 'string' ? req.body.idempotencyKey : '';
    let answer: Awaited<ReturnType<typeof buyExtraMinutesOnce>> | undefined;
    try {
      const { blocks } = parseBody<ExtraMinutesPurchaseRequest>('ExtraMinutesPurchaseRequest.json', {
        blocks: blocksOf(req.body?.blocks),
      });
      if (!/^[0-9a-f-]{36}$/.test(key))
        throw new AppError(400, 'This confirmation is not valid. Review the purchase again.');
      for (let attempt = 0; !answer; attempt++) {
        try {
          answer = await buyExtraMinutesOnce(billingDeps, accountId, key, blocks);
        } catch (err) {
          const stillRunning =
            err instanceof AppError && err.statusCode === 409 && attempt < IN_PROGRESS_RETRIES;
          if (!stillRunning) throw err;
          await new Promise((resolve) => setTimeout(resolve, IN_PROGRESS_WAIT_MS));
        }
      }
    } catch (err) {
      return refusedHere(res, err);
    }
    const body = answer.body as { id?: string; message?: string };
    if (answer.status === 201 || answer.status === 202)
      return res.redirect(303, `/account/billing?purchase=${encodeURIComponent(body.id ?? '')}`);
    await show(res, answer.status, { alert: body.message ?? 'The purchase did not go through.' });
  });

  return router;
}
