import Stripe from 'stripe';

/** One configured client; retries are safe because every write carries an idempotency key. */
export function stripeClient(secretKey: string): Stripe {
  return new Stripe(secretKey, { maxNetworkRetries: 2, timeout: 20_000, appInfo: { name: 'atlas-connect' } });
}
