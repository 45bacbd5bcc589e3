import type { BillingGateway } from './gateway';
import { returnUrl } from './returnPage';

/**
 * The offline adapter: every payment succeeds at once and nothing leaves the process. Its URLs lead
 * to a local page saying so, because the change they would lead to is already applied.
 */
export function sandboxGateway(publicBaseUrl: string): BillingGateway {
  const done = returnUrl(publicBaseUrl, 'sandbox');
  return {
    adapter: 'sandbox',
    livemode: false,
    createCustomer: async ({ accountId }) => `cus_sandbox_${accountId}`,
    defaultPaymentMethod: async () => 'pm_sandbox_card',
    subscriptionCheckoutUrl: async () => done,
    portalUrl: async () => done,
    chargeOffSession: async ({ purchaseId }) => ({
      status: 'succeeded',
      paymentIntentId: `pi_sandbox_${purchaseId}`,
    }),
    paymentCheckout: async ({ purchaseId }) => ({ url: done, sessionId: `cs_sandbox_${purchaseId}` }),
  };
}
