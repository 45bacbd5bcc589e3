import { PRODUCTION_ENV, without } from '../../support/env';
import { ConfigError, loadConfig } from '../../../webhook-server/src/config';
import { STRIPE_ENV } from '../../support/stripe';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
};

describe('billing configuration', () => {
  test('when no Stripe key is set, then the sandbox adapter runs', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).billing).toEqual({ adapter: 'sandbox' });
  });

  test('when the Stripe key and prices are set, then the Stripe adapter runs with the price map', () => {
    expect(loadConfig({ NODE_ENV: 'test', ...STRIPE_ENV }).billing).toEqual({
      adapter: 'stripe',
      secretKey: STRIPE_ENV.STRIPE_SECRET_KEY,
      webhookSecret: STRIPE_ENV.STRIPE_WEBHOOK_SECRET,
      prices: { starter: 'price_starter_m', pro: 'price_pro_m', enterprise: 'price_ent_m' },
    });
  });

  test('when the Stripe key is set without the webhook secret and prices, then each missing variable is named', () => {
    const problems = problemsOf({ NODE_ENV: 'test', STRIPE_SECRET_KEY: 'sk_test_x' }).join('\n');
    for (const name of [
      'STRIPE_WEBHOOK_SECRET',
      'STRIPE_PRICE_STARTER',
      'STRIPE_PRICE_PRO',
      'STRIPE_PRICE_ENTERPRISE',
    ])
      expect(problems).toContain(name);
  });

  test('when two plans share a price, then the start is refused', () => {
    const problems = problemsOf({
      NODE_ENV: 'test',
      ...STRIPE_ENV,
      STRIPE_PRICE_PRO: STRIPE_ENV.STRIPE_PRICE_STARTER,
    });
    expect(problems.join('\n')).toContain('must all differ');
  });

  test('when production has no Stripe key, then it must opt into the sandbox explicitly', () => {
    const production = without(PRODUCTION_ENV, 'BILLING_ADAPTER');
    expect(problemsOf(production)).toEqual([
      'STRIPE_SECRET_KEY is required in production; to run without payments set BILLING_ADAPTER=sandbox',
    ]);
    expect(problemsOf({ ...production, BILLING_ADAPTER: 'sandbox' })).toEqual([]);
  });
});
