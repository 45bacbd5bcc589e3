import type { PlanId } from '../../../schemas/generated/types';
import { changePlan, getAccountRow } from '../domain/accounts';
import type { Clock } from '../domain/clock';
import type { Db } from '../domain/db';
import { conflict } from '../domain/errors';
import { getPlan } from '../domain/plans';
import { ensureCustomer } from './customers';
import type { BillingGateway } from './gateway';

export interface BillingDeps {
  db: Db;
  clock: Clock;
  gateway: BillingGateway;
}

/**
 * Where the user goes to choose a plan. On the free plan that is a Checkout for the chosen plan's
 * subscription; on a paid plan it is the customer portal, where Stripe handles upgrades,
 * downgrades and cancellation (so proration stays Stripe's job). The plan itself changes when
 * Stripe's webhooks say so. The sandbox applies the change at once.
 */
export async function planCheckoutUrl(deps: BillingDeps, accountId: string, planId: PlanId): Promise<string> {
  const { db, clock, gateway } = deps;
  const account = await getAccountRow(db, accountId);
  const current = getPlan(account.plan_id);
  if (current.id === planId) {
    throw conflict(
      `The account is already on the ${current.name} plan. Choose another plan, or manage the subscription with POST /v1/api/billing/portal.`,
      [{ field: 'planId', message: `is already the current plan (${current.id})` }],
    );
  }
  const customerId = await ensureCustomer(db, clock, gateway, accountId);
  if (gateway.adapter === 'sandbox') {
    await changePlan(db, clock, accountId, planId);
    return gateway.portalUrl(customerId);
  }
  if (current.id !== 'free' || planId === 'free') return gateway.portalUrl(customerId);
  return gateway.subscriptionCheckoutUrl({ accountId, customerId, planId });
}

export async function portalUrl(deps: BillingDeps, accountId: string): Promise<string> {
  const customerId = await ensureCustomer(deps.db, deps.clock, deps.gateway, accountId);
  return deps.gateway.portalUrl(customerId);
}
