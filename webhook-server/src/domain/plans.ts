import type { Plan, PlanId } from '../../../schemas/generated/types';

export const MINUTES_PER_BLOCK = 1000;
export const WORKSHOP_BOOKING_URL = 'https://atlas.example/enterprise/ai-workshop';

/**
 * The plan catalogue. Prices are integers in cents; Stripe Price ids are mapped to these ids by
 * configuration, never taken from a request.
 */
export const PLANS: readonly Plan[] = [
  {
    id: 'free',
    name: 'Free',
    monthlyPriceCents: 0,
    currency: 'usd',
    includedMinutes: 60,
    extraMinutesAllowed: false,
    extraMinutesBlockPriceCents: null,
    features: ['1 campaign', 'AI calls', 'Zapier, Make and GHL integrations'],
  },
  {
    id: 'starter',
    name: 'Starter',
    monthlyPriceCents: 4900,
    currency: 'usd',
    includedMinutes: 500,
    extraMinutesAllowed: true,
    extraMinutesBlockPriceCents: 9900,
    features: ['5 campaigns', 'AI calls and SMS follow-ups', 'Zapier, Make and GHL integrations'],
  },
  {
    id: 'pro',
    name: 'Pro',
    monthlyPriceCents: 14900,
    currency: 'usd',
    includedMinutes: 2000,
    extraMinutesAllowed: true,
    extraMinutesBlockPriceCents: 8900,
    features: ['Unlimited campaigns', 'Call recordings and transcripts', 'Priority support'],
  },
  {
    id: 'enterprise',
    name: 'Enterprise',
    monthlyPriceCents: 49900,
    currency: 'usd',
    includedMinutes: 10000,
    extraMinutesAllowed: true,
    extraMinutesBlockPriceCents: 6900,
    features: ['Everything in Pro', 'Dedicated success manager', 'AI workshop for your team'],
    workshopBookingUrl: WORKSHOP_BOOKING_URL,
  },
];

/** What `blocks` of extra minutes cost on a plan, in its currency's cents; null when it sells none. */
export function extraMinutesPriceCents(plan: Plan, blocks: number): number | null {
  const blockPrice = plan.extraMinutesBlockPriceCents;
  if (!plan.extraMinutesAllowed || blockPrice === null || blockPrice === undefined) return null;
  return blocks * blockPrice;
}

const planIndex: ReadonlyMap<string, Plan> = new Map(PLANS.map((plan) => [plan.id, plan]));

export function isPlanId(value: string): value is PlanId {
  return planIndex.has(value);
}

export function getPlan(id: string): Plan {
  const plan = planIndex.get(id);
  if (!plan) throw new Error(`Unknown plan ${id}`);
  return plan;
}

/** Plans ordered by price, used to tell an upgrade from a downgrade. */
export function planRank(id: PlanId): number {
  return PLANS.findIndex((plan) => plan.id === id);
}
