import type Stripe from 'stripe';
import type { PaidPlanId } from '../config';
import type { BillingGateway, ChargeResult } from './gateway';
import { returnUrl } from './returnPage';
import { stripeClient } from './stripeClient';

export interface StripeGatewayOptions {
  secretKey: string;
  prices: Record<PaidPlanId, string>;
  publicBaseUrl: string;
}

/** Account and purchase ids ride along as metadata so webhooks find what an object belongs to. */
export function stripeGateway({ secretKey, prices, publicBaseUrl }: StripeGatewayOptions): BillingGateway {
  const stripe = stripeClient(secretKey);
  return {
    adapter: 'stripe',
    livemode: /^(sk|rk)_live_/.test(secretKey),

    async createCustomer({ accountId, email, name }) {
      const customer = await stripe.customers.create(
        { email, name, metadata: { accountId } },
        { idempotencyKey: `atlas:${accountId}:customer` },
      );
      return customer.id;
    },

    async defaultPaymentMethod(customerId) {
      const customer = await stripe.customers.retrieve(customerId);
      if (customer.deleted) return undefined;
      const method = customer.invoice_settings?.default_payment_method;
      if (!method) return undefined;
      return typeof method === 'string' ? method : method.id;
    },

    async subscriptionCheckoutUrl({ accountId, customerId, planId }) {
      const session = await stripe.checkout.sessions.create({
        mode: 'subscription',
        customer: customerId,
        client_reference_id: accountId,
        line_items: [{ price: prices[planId], quantity: 1 }],
        subscription_data: { metadata: { accountId } },
        metadata: { accountId },
        success_url: returnUrl(publicBaseUrl, 'success'),
        cancel_url: returnUrl(publicBaseUrl, 'cancelled'),
      });
      return requireUrl(session.url);
    },

    async portalUrl(customerId) {
      const session = await stripe.billingPortal.sessions.create({
        customer: customerId,
        return_url: returnUrl(publicBaseUrl, 'portal'),
      });
      return session.url;
    },

    async chargeOffSession(input): Promise<ChargeResult> {
      try {
        const intent = await stripe.paymentIntents.create(
          {
            amount: input.amountCents,
            currency: input.currency,
            customer: input.customerId,
            payment_method: input.paymentMethodId,
            off_session: true,
            confirm: true,
            description: input.description,
            metadata: { accountId: input.accountId, purchaseId: input.purchaseId },
          },
          { idempotencyKey: input.idempotencyKey },
        );
        if (intent.status === 'succeeded') return { status: 'succeeded', paymentIntentId: intent.id };
        if (intent.status === 'processing') return { status: 'pending', paymentIntentId: intent.id };
        return {
          status: 'requires_action',
          paymentIntentId: intent.id,
          message: AUTHENTICATION_REQUIRED,
        };
      } catch (err) {
        const failure = cardFailure(err);
        if (failure) return failure;
        throw err;
      }
    },

    async paymentCheckout(input) {
      const session = await stripe.checkout.sessions.create(
        {
          mode: 'payment',
          customer: input.customerId,
          client_reference_id: input.accountId,
          line_items: [
            {
              quantity: input.blocks,
              price_data: {
                currency: input.currency,
                unit_amount: input.amountCents / input.blocks,
                product_data: { name: 'Atlas extra call time (1000 minutes)' },
              },
            },
          ],
          payment_intent_data: {
            description: input.description,
            metadata: { accountId: input.accountId, purchaseId: input.purchaseId },
          },
          metadata: { accountId: input.accountId, purchaseId: input.purchaseId },
          success_url: returnUrl(publicBaseUrl, 'success'),
          cancel_url: returnUrl(publicBaseUrl, 'cancelled'),
        },
        { idempotencyKey: input.idempotencyKey },
      );
      return { url: requireUrl(session.url), sessionId: session.id };
    },
  };
}

const AUTHENTICATION_REQUIRED =
  'The card issuer asks the cardholder to confirm this payment, which cannot happen without them. Nothing was charged. Buy again without a saved card (remove it in the billing portal) to pay through Checkout, or use another card; send a new Idempotency-Key.';

/** A card decline or a required authentication is an answer for the payer, not a server failure. */
function cardFailure(err: unknown): ChargeResult | undefined {
  const e = err as Partial<Stripe.errors.StripeError> | undefined;
  if (!e || e.type !== 'StripeCardError') return undefined;
  const paymentIntentId = e.payment_intent?.id ?? null;
  if (e.code === 'authentication_required')
    return { status: 'requires_action', paymentIntentId, message: AUTHENTICATION_REQUIRED };
  const reason = e.decline_code ?? e.code ?? 'declined';
  return {
    status: 'failed',
    paymentIntentId,
    message: `The saved card was declined (${reason}). Nothing was charged. Update the card in the billing portal (POST /v1/api/billing/portal), then buy again with a new Idempotency-Key.`,
  };
}

function requireUrl(url: string | null): string {
  if (!url) throw new Error('Stripe returned a Checkout Session without a URL');
  return url;
}
