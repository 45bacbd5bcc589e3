import type { Config } from '../config';
import type { BillingGateway } from './gateway';
import { sandboxGateway } from './sandboxGateway';
import { stripeGateway } from './stripeGateway';

export function createBillingGateway(config: Config): BillingGateway {
  const billing = config.billing;
  if (billing.adapter === 'sandbox') return sandboxGateway(config.publicBaseUrl);
  return stripeGateway({
    secretKey: billing.secretKey,
    prices: billing.prices,
    publicBaseUrl: config.publicBaseUrl,
  });
}
