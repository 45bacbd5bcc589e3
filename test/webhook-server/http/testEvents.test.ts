import { Webhook } from 'standardwebhooks';
import { schemaFiles } from '../../../schemas/generated/registry';
import { validatorFor } from '../../../webhook-server/src/http/validation';
import { testEngines } from '../../support/engines';
import { Receiver } from '../../support/receiver';
import { api, createTenant, startTestServer, type Tenant, type TestServer } from '../../support/server';
import { waitFor } from '../../support/waitFor';

describe.each(testEngines())('send test event on %s', (engine) => {
  let server: TestServer;
  let receiver: Receiver;
  let tenant: Tenant;

  beforeAll(async () => {
    server = await startTestServer(engine, { ATLAS_ALLOW_PRIVATE_HOOK_URLS: 'true' });
  });
  beforeEach(async () => {
    receiver = await Receiver.start();
    tenant = await createTenant(server);
  });
  afterEach(() => receiver.close());
  afterAll(() => server.stop());

  async function subscribe(triggerName: string, campaignId?: string) {
    const res = await api(server, 'POST', '/v1/api/events-gateway/trigger/subscribe', {
      apiKey: tenant.apiKey,
      body: { hookUrl: `${receiver.url}/hook`, triggerName, ...(campaignId ? { campaignId } : {}) },
    });
    expect(res.status).toBe(201);
    return res.body as { id: string; secret: string };
  }

  test('when a test event is sent to a campaign subscription, then the receiver gets the sample marked test, signed, and the delivery is recorded', async () => {
    const subscription = await subscribe('call_completed', tenant.campaign.id);

    const sent = await api(
      server,
      'POST',
      `/v1/api/events-gateway/trigger/subscriptions/${subscription.id}/test`,
      { apiKey: tenant.apiKey },
    );

    expect(sent.status).toBe(202);
    expect(sent.body.deliveryId).toMatch(/^dlv_/);
    await receiver.received(1);
    const request = receiver.requests[0]!;
    const [event] = new Webhook(subscription.secret).verify(request.body, {
      'webhook-id': String(request.headers['webhook-id']),
      'webhook-timestamp': String(request.headers['webhook-timestamp']),
      'webhook-signature': String(request.headers['webhook-signature']),
    }) as Array<Record<string, any>>;
    const example = (schemaFiles['events/call_completed.json'] as { examples: Array<Record<string, any>> })
      .examples[0]!;
    expect(event).toStrictEqual({
      ...sent.body.event,
      test: true,
      triggerName: 'call_completed',
      accountId: tenant.account.id,
      campaignId: tenant.campaign.id,
      data: { ...example.data, campaignId: tenant.campaign.id },
    });
    expect(validatorFor('events/call_completed.json')(event)).toBe(true);

    const delivered = await waitFor('the test delivery to be recorded as delivered', async () => {
      const list = await api(
        server,
        'GET',
        `/v1/api/events-gateway/deliveries?subscriptionId=${subscription.id}`,
        { apiKey: tenant.apiKey },
      );
      const delivery = list.body.data.find((d: { id: string }) => d.id === sent.body.deliveryId);
      return delivery?.status === 'delivered' ? delivery : undefined;
    });
    expect(delivered).toMatchObject({ eventId: event!.id, attemptCount: 1 });
    expect(delivered.attempts).toMatchObject([{ statusCode: 200, outcome: 'delivered' }]);
  });

  test("when a test event was sent, then the trigger's sample still shows the documented example, not the test", async () => {
    const subscription = await subscribe('account_updated');
    await api(server, 'POST', `/v1/api/events-gateway/trigger/subscriptions/${subscription.id}/test`, {
      apiKey: tenant.apiKey,
    });

    const sample = await api(
      server,
      'GET',
      '/v1/api/events-gateway/trigger/sample?triggerName=account_updated',
      {
        apiKey: tenant.apiKey,
      },
    );

    const example = (schemaFiles['events/account_updated.json'] as { examples: object[] }).examples[0]!;
    expect(sample.body).toStrictEqual([{ ...example, accountId: tenant.account.id }]);
  });

  test("when another account's subscription is named, then 404 and nothing is sent", async () => {
    const subscription = await subscribe('account_updated');
    const other = await createTenant(server);

    const res = await api(
      server,
      'POST',
      `/v1/api/events-gateway/trigger/subscriptions/${subscription.id}/test`,
      {
        apiKey: other.apiKey,
      },
    );

    expect(res.status).toBe(404);
    expect(res.body.message).toMatch(/No subscription/);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.requests).toHaveLength(0);
  });
});
