import type { ClaimedDelivery } from './queue';
import type { Decision } from './retryPolicy';
import { deliveryBody } from './signer';

/** The calling platform as the delivery engine sends to it (ATLAS_PLATFORM_URL, ATLAS_PLATFORM_SECRET). */
export interface PlatformEndpoint {
  url: string;
  secret: string;
}

/** One HTTP request to make for a delivery: where, signed with what, carrying what. */
export interface OutgoingRequest {
  url: string;
  secret: string;
  body: string;
  /** Extra header name/value pairs, flat as undici takes them. */
  headers: string[];
  /**
   * The operator configured this URL (the calling platform, often on a private network), so it is
   * exempt from the public-address guard that hook URLs, which tenants choose, must pass.
   */
  trusted: boolean;
}

/**
 * The one place a delivery's target decides its request. A hook subscription gets the event as
 * `[event]` at its hookUrl, signed with its secret; the calling platform gets the stored request
 * (a call's dispatch or cancel) as it is, at the configured URL, signed with the platform secret,
 * with the Idempotency-Key the request carries. undefined: nowhere to send (the subscription was
 * removed); a string: why it cannot be sent now (it is retried like a failed attempt).
 */
export function outgoingRequest(
  delivery: ClaimedDelivery,
  platform: PlatformEndpoint | undefined,
): OutgoingRequest | string | undefined {
  if (delivery.callId === undefined) {
    if (delivery.secret === undefined) return undefined;
    return {
      url: delivery.hookUrl,
      secret: delivery.secret,
      body: deliveryBody(delivery.payload),
      headers: [],
      trusted: false,
    };
  }
  if (!platform) return 'ATLAS_PLATFORM_URL is not set: this process cannot reach the calling platform';
  const { idempotencyKey } = JSON.parse(delivery.payload) as { idempotencyKey: string };
  return {
    url: platform.url,
    secret: platform.secret,
    body: delivery.payload,
    headers: ['idempotency-key', idempotencyKey],
    trusted: true,
  };
}

/**
 * 410 Gone removes a hook's subscription (the REST-hook rule). The calling platform has no
 * subscription to remove: its 410 makes the request dead, like any final failure, so the call
 * fails and an operator can replay it.
 */
export function targetDecision(delivery: ClaimedDelivery, decision: Decision): Decision {
  return delivery.callId !== undefined && decision.outcome === 'gone'
    ? { ...decision, outcome: 'dead' }
    : decision;
}
