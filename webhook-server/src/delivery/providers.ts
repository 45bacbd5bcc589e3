import type { ClaimedDelivery } from './queue';
import type { AttemptResult, HookSender } from './sender';
import { deliveryBody } from './signer';

/**
 * The one place providers differ: the body and the auth headers of an attempt. Everything around
 * it (claiming, retries, dead letter, replay, SSRF checks, recording) is the same for all.
 */
export interface DeliveryProvider {
  /** Makes one attempt of the delivery through the sender; never throws. */
  attempt(delivery: ClaimedDelivery, sender: HookSender): Promise<AttemptResult>;
}

/** custom, zapier, make: the event in a one-element array, signed with Standard Webhooks headers. */
export const standardWebhooks: DeliveryProvider = {
  attempt: (delivery, sender) =>
    sender.send(
      delivery.hookUrl,
      delivery.secret ?? '',
      delivery.eventId,
      deliveryBody(delivery.payload),
      delivery.signed,
    ),
};

/** Providers with their own shape, by provider name (ghl); every other provider sends standardWebhooks. */
export type DeliveryProviders = Partial<Record<string, DeliveryProvider>>;

export function providerOf(providers: DeliveryProviders, name: string): DeliveryProvider {
  return providers[name] ?? standardWebhooks;
}
