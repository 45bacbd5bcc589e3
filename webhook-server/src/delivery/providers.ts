import type { ClaimedDelivery } from './queue';
import type { AttemptResult, HookSender } from './sender';

/**
 * A provider whose deliveries are not Standard Webhooks `[event]` requests (ghl: one flat object,
 * the location's bearer, refreshed and re-sent on a 401). It decides only the body and the auth
 * headers of its attempts, through the same sender (SSRF guard, timeout, no redirects); claiming,
 * retries, dead letter, replay and recording stay the engine's. Every other delivery (custom,
 * zapier, make, the calling platform) is decided in target.ts.
 */
export interface DeliveryProvider {
  /** Makes one attempt of the delivery through the sender; never throws. */
  attempt(delivery: ClaimedDelivery, sender: HookSender): Promise<AttemptResult>;
}

/** By provider name (a subscription's `provider`). */
export type DeliveryProviders = Partial<Record<string, DeliveryProvider>>;
