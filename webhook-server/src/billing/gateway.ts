import type { PlanId } from '../../../schemas/generated/types';

/**
 * The billing port: what the domain asks of a payment provider. Two adapters implement it: Stripe
 * (the system of record) and the offline sandbox. Every call that moves money or creates something
 * takes an idempotency key, so a retry after a crash or timeout never does it twice.
 */
export interface BillingGateway {
  readonly adapter: 'stripe' | 'sandbox';
  /** Whether money really moves (Stripe live keys); the sandbox and Stripe test keys say false. */
  readonly livemode: boolean;
  createCustomer(input: CustomerInput): Promise<string>;
  /** The customer's saved default card, if any. */
  defaultPaymentMethod(customerId: string): Promise<string | undefined>;
  subscriptionCheckoutUrl(input: SubscriptionCheckoutInput): Promise<string>;
  portalUrl(customerId: string): Promise<string>;
  chargeOffSession(input: ChargeInput): Promise<ChargeResult>;
  paymentCheckout(input: PaymentCheckoutInput): Promise<{ url: string; sessionId: string }>;
}

export interface CustomerInput {
  accountId: string;
  email: string;
  name: string;
}

export interface SubscriptionCheckoutInput {
  accountId: string;
  customerId: string;
  planId: Exclude<PlanId, 'free'>;
}

export interface PurchaseCharge {
  accountId: string;
  customerId: string;
  purchaseId: string;
  amountCents: number;
  currency: string;
  blocks: number;
  description: string;
  /** Sent to the provider as its idempotency key. */
  idempotencyKey: string;
}

export interface ChargeInput extends PurchaseCharge {
  paymentMethodId: string;
}

export type PaymentCheckoutInput = PurchaseCharge;

export type ChargeResult =
  | { status: 'succeeded'; paymentIntentId: string }
  | { status: 'pending'; paymentIntentId: string }
  | { status: 'failed'; paymentIntentId: string | null; message: string }
  | { status: 'requires_action'; paymentIntentId: string | null; message: string };
