import nock from 'nock';
import Stripe from 'stripe';
import { api, type TestServer } from './server';

export const STRIPE_WEBHOOK_SECRET = 'whsec_test_secret_for_fixtures';
export const PRICES = { starter: 'price_starter_m', pro: 'price_pro_m', enterprise: 'price_ent_m' };

/** Server settings that select the Stripe adapter; nock stands in for api.stripe.com. */
export const STRIPE_ENV = {
  STRIPE_SECRET_KEY: 'sk_test_atlasconnect',
  STRIPE_WEBHOOK_SECRET,
  STRIPE_PRICE_STARTER: PRICES.starter,
  STRIPE_PRICE_PRO: PRICES.pro,
  STRIPE_PRICE_ENTERPRISE: PRICES.enterprise,
};

export const STRIPE_API = 'https://api.stripe.com';

export interface RecordedRequest {
  path: string;
  body: Record<string, string>;
  idempotencyKey: string | undefined;
}

/** Answers one Stripe call and records what was sent (form body and Idempotency-Key). */
export function stripeReply(
  method: 'get' | 'post',
  path: string | RegExp,
  status: number,
  body: object,
  into: RecordedRequest[],
  times = 1,
): nock.Scope {
  const scope = nock(STRIPE_API);
  const interceptor = method === 'get' ? scope.get(path) : scope.post(path, () => true);
  return interceptor.times(times).reply(function (uri, requestBody) {
    const key = this.req.headers['idempotency-key'];
    into.push({
      path: uri,
      body: Object.fromEntries(new URLSearchParams(typeof requestBody === 'string' ? requestBody : '')),
      idempotencyKey: Array.isArray(key) ? key[0] : key,
    });
    return [status, body];
  });
}

let eventCounter = 0;

export function stripeEvent(type: string, object: object, created: number, id?: string) {
  eventCounter += 1;
  return {
    id: id ?? `evt_test_${Date.now()}_${eventCounter}`,
    object: 'event',
    api_version: Stripe.API_VERSION,
    created,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  };
}

/** POSTs an event to /webhooks/stripe signed like Stripe does (or with another secret). */
export async function deliverStripeEvent(server: TestServer, event: object, secret = STRIPE_WEBHOOK_SECRET) {
  const payload = JSON.stringify(event);
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret });
  return api(server, 'POST', '/webhooks/stripe', {
    rawBody: payload,
    headers: { 'stripe-signature': signature, 'content-type': 'application/json; charset=utf-8' },
  });
}

export function subscriptionObject(opts: {
  id: string;
  customer: string;
  price: string;
  status?: string;
  accountId?: string;
  /** The subscription's own creation time (Unix s); it decides which of two serving subscriptions counts. */
  created: number;
}) {
  return {
    id: opts.id,
    object: 'subscription',
    created: opts.created,
    customer: opts.customer,
    status: opts.status ?? 'active',
    metadata: opts.accountId ? { accountId: opts.accountId } : {},
    items: {
      object: 'list',
      data: [{ id: `si_${opts.id}`, object: 'subscription_item', price: { id: opts.price } }],
    },
  };
}

export function allowLocalOnly(): void {
  nock.disableNetConnect();
  nock.enableNetConnect(/^(localhost|127\.0\.0\.1)(:\d+)?$/);
}
