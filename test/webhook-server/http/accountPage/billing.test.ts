import { pageGet, pagePost, signIn } from '../../../support/accountPage';
import { testEngines } from '../../../support/engines';
import { api, createTenant, startTestServer, type TestServer } from '../../../support/server';

describe.each(testEngines())('Account Billing tab, sandbox (%s)', (engine) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(() => server.stop());

  const purchases = (accountId: string) =>
    server.context.storage.db
      .selectFrom('billing_purchases')
      .selectAll()
      .where('account_id', '=', accountId)
      .execute();

  test('when the page opens, then it shows the plan, the usage bar with the period end, every plan card and the sandbox badge', async () => {
    const tenant = await createTenant(server, 'starter');
    const client = await signIn(server, tenant.account.adminEmail, tenant.password);
    const usage = (await api(server, 'GET', '/v1/api/usage', { apiKey: tenant.apiKey })).body;
    const page = await pageGet(server, client, '/account/billing');
    expect(page.text).toContain('Current plan: Starter');
    expect(page.text).toContain(`<progress id="usage-bar" max="500" value="0">`);
    expect(page.text).toContain(`the period ends ${usage.periodEnd.slice(0, 10)}`);
    for (const name of ['Free', 'Starter', 'Pro', 'Enterprise'])
      expect(page.text).toContain(`<h3 id="plan-${name.toLowerCase()}">${name}</h3>`);
    expect(page.text).toContain('<span class="badge">sandbox</span>');
    expect(page.text).not.toContain('Book your AI workshop');
  });

  test('when the admin reviews and confirms extra minutes twice with one confirmation, then one purchase is made, shown to that account only', async () => {
    const tenant = await createTenant(server, 'pro');
    const client = await signIn(server, tenant.account.adminEmail, tenant.password);
    const review = await pagePost(server, client, '/account/billing/extra-minutes/review', { blocks: '2' });
    expect(review.status).toBe(200);
    // The price is the server's: 2 × $89.00 on Pro.
    expect(review.text).toContain('<strong id="purchase-price">$178.00</strong>');
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(review.text)![1]!;
    const confirm = () =>
      pagePost(server, client, '/account/billing/extra-minutes', { blocks: '2', idempotencyKey: key });
    const [first, second] = await Promise.all([confirm(), confirm()]);
    expect(first.status).toBe(303);
    expect(second.location).toBe(first.location);
    const rows = await purchases(tenant.account.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ blocks: 2, amount_cents: 17800, status: 'succeeded', livemode: 0 });
    const usage = (await api(server, 'GET', '/v1/api/usage', { apiKey: tenant.apiKey })).body;
    expect(usage.extraMinutes).toBe(2000);
    const result = await pageGet(server, client, first.location!);
    expect(result.text).toContain('Purchase succeeded: 2000 extra minutes for $178.00');

    const intruder = await createTenant(server, 'pro');
    const intruderClient = await signIn(server, intruder.account.adminEmail, intruder.password);
    const peek = await pageGet(server, intruderClient, first.location!);
    expect(peek.status).toBe(200);
    expect(peek.text).not.toContain('purchase-result');

    const again = await pagePost(server, client, '/account/billing/extra-minutes/review', { blocks: '2' });
    expect(/name="idempotencyKey" value="([^"]+)"/.exec(again.text)![1]).not.toBe(key);
  });

  test('when the block count is not a whole number from 1 to 100, or the plan is free, then nothing is bought', async () => {
    const free = await createTenant(server, 'free');
    const client = await signIn(server, free.account.adminEmail, free.password);
    expect((await pageGet(server, client, '/account/billing')).text).toContain(
      'The Free plan cannot buy extra minutes.',
    );
    const refused = await pagePost(server, client, '/account/billing/extra-minutes', {
      blocks: '1',
      idempotencyKey: '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
    });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('The Free plan cannot buy extra minutes');
    const paid = await createTenant(server, 'starter');
    const paidClient = await signIn(server, paid.account.adminEmail, paid.password);
    for (const blocks of ['0', '101', '1.5', 'many']) {
      const res = await pagePost(server, paidClient, '/account/billing/extra-minutes/review', { blocks });
      expect(res.status).toBe(400);
      // Next to the field, which keeps what was typed.
      expect(res.text).toContain(
        `value="${blocks}" required inputmode="numeric" aria-invalid="true" aria-describedby="blocks-error" /><p class="field-error" id="blocks-error">Enter a whole number of blocks from 1 to 100.</p>`,
      );
    }
    expect(await purchases(free.account.id)).toHaveLength(0);
    expect(await purchases(paid.account.id)).toHaveLength(0);
  });

  test('when the admin selects a plan, then the sandbox changes it at once, plan_changed is emitted, and Enterprise shows the workshop link', async () => {
    const tenant = await createTenant(server, 'free');
    const client = await signIn(server, tenant.account.adminEmail, tenant.password);
    const selected = await pagePost(server, client, '/account/billing/plan', { planId: 'enterprise' });
    expect(selected.location).toBe('/account/billing?done=plan');
    expect((await api(server, 'GET', '/v1/api/account', { apiKey: tenant.apiKey })).body.planId).toBe(
      'enterprise',
    );
    const events = await server.context.storage.db
      .selectFrom('events')
      .select('payload')
      .where('account_id', '=', tenant.account.id)
      .where('trigger_name', '=', 'plan_changed')
      .execute();
    expect(events.map((e) => JSON.parse(e.payload).data.direction)).toStrictEqual(['upgrade']);
    const page = await pageGet(server, client, selected.location!);
    expect(page.text).toContain('Current plan: Enterprise');
    expect(page.text).toContain('href="https://atlas.example/enterprise/ai-workshop"');
    expect((await pagePost(server, client, '/account/billing/plan', { planId: 'platinum' })).status).toBe(
      400,
    );
    expect((await pagePost(server, client, '/account/billing/plan', { planId: 'enterprise' })).status).toBe(
      409,
    );
  });

  test('when the admin opens Manage Subscriptions in the sandbox, then the page says there is no portal offline', async () => {
    const tenant = await createTenant(server, 'starter');
    const client = await signIn(server, tenant.account.adminEmail, tenant.password);
    const res = await pagePost(server, client, '/account/billing/portal');
    expect(res.location).toBe('/account/billing?done=portal');
  });
});
