import nock from 'nock';
import { pageGet, pagePost, signIn } from '../../../support/accountPage';
import { createTenant, startTestServer, type TestServer } from '../../../support/server';
import { STRIPE_ENV, allowLocalOnly, stripeReply, type RecordedRequest } from '../../../support/stripe';

/** The billing tab with the Stripe adapter: nock stands in for api.stripe.com. */
describe('Account Billing tab, Stripe', () => {
  let server: TestServer;
  let sent: RecordedRequest[];

  beforeAll(async () => {
    allowLocalOnly();
    server = await startTestServer('sqlite', STRIPE_ENV);
  });
  afterAll(async () => {
    nock.cleanAll();
    nock.enableNetConnect();
    await server.stop();
  });
  beforeEach(() => {
    sent = [];
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
  });

  test('when a free account selects a plan, then the browser goes to Stripe Checkout, and no sandbox badge shows', async () => {
    const tenant = await createTenant(server, 'free');
    const client = await signIn(server, tenant.account.adminEmail, tenant.password);
    expect((await pageGet(server, client, '/account/billing')).text).not.toContain('class="badge"');
    stripeReply('post', '/v1/customers', 200, { id: 'cus_free', object: 'customer' }, sent);
    stripeReply(
      'post',
      '/v1/checkout/sessions',
      200,
      { id: 'cs_plan', object: 'checkout.session', url: 'https://checkout.stripe.com/c/pay/cs_plan' },
      sent,
    );
    const res = await pagePost(server, client, '/account/billing/plan', { planId: 'pro' });
    expect(res.status).toBe(303);
    expect(res.location).toBe('https://checkout.stripe.com/c/pay/cs_plan');
  });

  test('when a paid account selects a plan or opens Manage Subscriptions, then the browser goes to the customer portal', async () => {
    const tenant = await createTenant(server, 'starter');
    const client = await signIn(server, tenant.account.adminEmail, tenant.password);
    stripeReply('post', '/v1/customers', 200, { id: 'cus_paid', object: 'customer' }, sent);
    stripeReply(
      'post',
      '/v1/billing_portal/sessions',
      200,
      { id: 'bps_1', object: 'billing_portal.session', url: 'https://billing.stripe.com/p/session/1' },
      sent,
      2,
    );
    expect((await pagePost(server, client, '/account/billing/plan', { planId: 'pro' })).location).toBe(
      'https://billing.stripe.com/p/session/1',
    );
    expect((await pagePost(server, client, '/account/billing/portal')).location).toBe(
      'https://billing.stripe.com/p/session/1',
    );
    const page = await pageGet(server, client, '/account/billing');
    expect(page.headers.get('content-security-policy')).toContain(
      "form-action 'self' https://checkout.stripe.com https://billing.stripe.com",
    );
  });

  test('when extra minutes are bought without a saved card, then the result is pending with the Checkout link', async () => {
    const tenant = await createTenant(server, 'starter');
    const client = await signIn(server, tenant.account.adminEmail, tenant.password);
    stripeReply('post', '/v1/customers', 200, { id: 'cus_nocard', object: 'customer' }, sent);
    stripeReply(
      'get',
      '/v1/customers/cus_nocard',
      200,
      { id: 'cus_nocard', object: 'customer', invoice_settings: { default_payment_method: null } },
      sent,
    );
    stripeReply(
      'post',
      '/v1/checkout/sessions',
      200,
      { id: 'cs_pay', object: 'checkout.session', url: 'https://checkout.stripe.com/c/pay/cs_pay' },
      sent,
    );
    const review = await pagePost(server, client, '/account/billing/extra-minutes/review', { blocks: '1' });
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(review.text)![1]!;
    const bought = await pagePost(server, client, '/account/billing/extra-minutes', {
      blocks: '1',
      idempotencyKey: key,
    });
    const result = await pageGet(server, client, bought.location!);
    expect(result.text).toContain('Purchase pending: 1000 extra minutes for $99.00.');
    expect(result.text).toContain('<a href="https://checkout.stripe.com/c/pay/cs_pay">Pay in Checkout</a>');
    expect(sent.find((r) => r.path === '/v1/checkout/sessions')?.idempotencyKey).toBe(
      `atlas:${tenant.account.id}:extra-minutes-checkout:${key}`,
    );
  });
});
