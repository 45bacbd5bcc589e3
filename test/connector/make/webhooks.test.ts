import { Webhook } from 'standardwebhooks';
import { changePlan } from '../../../webhook-server/src/domain/accounts';
import { createCampaign } from '../../../webhook-server/src/domain/campaigns';
import { Receiver } from '../../support/receiver';
import { api, startTestServer, TEST_SERVICE_TOKEN, type Tenant, type TestServer } from '../../support/server';
import { base, componentCode, manifest } from './harness/app';
import { connectedTenant, type MakeConnection } from './harness/connection';
import { interfaceMismatches } from './harness/interface';
import { receive, runRequest } from './harness/runner';

/*
 * Every instant trigger of the Make app against the real server: its dedicated webhook attaches
 * (a make subscription for Make's webhook URL), the event is caused through the API, the real
 * signed delivery arrives, the webhook's iterate/output turns its body into bundles that must
 * equal the event and match the trigger's interface, then detach removes the subscription.
 */

const GATEWAY = '/v1/api/events-gateway/trigger';
let server: TestServer;
let receiver: Receiver;
let tenant: Tenant;
let connection: MakeConnection;
let messageCounter = 0;
let callCounter = 0;

beforeAll(async () => {
  server = await startTestServer('sqlite', { ATLAS_ALLOW_PRIVATE_HOOK_URLS: 'true' });
  receiver = await Receiver.start();
  ({ tenant, connection } = await connectedTenant(server, 'starter'));
});

afterAll(async () => {
  await receiver?.close();
  await server?.stop();
});

async function reportCall(
  type: 'call_started' | 'call_completed',
  durationSeconds = 0,
  campaignId = tenant.campaign.id,
) {
  const res = await api(server, 'POST', '/v1/internal/call-events', {
    token: TEST_SERVICE_TOKEN,
    body: {
      type,
      callId: `make-call-${++callCounter}`,
      campaignId,
      phoneNumber: '+14155550123',
      customerName: 'Jordan Lee',
      ...(type === 'call_completed' ? { durationSeconds, summary: 'Booked.' } : {}),
      occurredAt: server.clock.now().toISOString(),
    },
  });
  expect(res.status).toBe(201);
}

async function reportMessage(type: 'message_received' | 'message_sent') {
  const res = await api(server, 'POST', '/v1/internal/message-events', {
    token: TEST_SERVICE_TOKEN,
    body: {
      type,
      messageId: `make-msg-${++messageCounter}`,
      campaignId: tenant.campaign.id,
      phoneNumber: '+14155550123',
      body: 'Can we move it to 11?',
      occurredAt: server.clock.now().toISOString(),
    },
  });
  expect(res.status).toBe(201);
}

// In this order: plan_changed moves the account to Pro, so minutes_low can cross 2500 minutes.
const cases: Array<{
  event: string;
  parameters: Record<string, unknown>;
  campaignId: string;
  cause: () => Promise<void>;
}> = [
  {
    event: 'account_updated',
    parameters: {},
    campaignId: '*',
    cause: async () => {
      const res = await api(server, 'PATCH', '/v1/api/account', {
        apiKey: tenant.apiKey,
        body: { companyName: 'Make Dental' },
      });
      expect(res.status).toBe(200);
    },
  },
  {
    event: 'minutes_purchased',
    parameters: {},
    campaignId: '*',
    cause: async () => {
      const res = await api(server, 'POST', '/v1/api/billing/extra-minutes', {
        apiKey: tenant.apiKey,
        headers: { 'idempotency-key': 'make-webhook-purchase' },
        body: { blocks: 1 },
      });
      expect(res.status).toBe(201);
    },
  },
  {
    event: 'plan_changed',
    parameters: {},
    campaignId: '*',
    cause: async () => {
      await changePlan(server.context.storage.db, server.clock, tenant.account.id, 'pro');
    },
  },
  { event: 'call_started', parameters: {}, campaignId: '*', cause: () => reportCall('call_started') },
  {
    event: 'call_completed',
    parameters: { campaignId: 'CAMPAIGN' },
    campaignId: 'CAMPAIGN',
    cause: () => reportCall('call_completed', 125),
  },
  {
    event: 'message_received',
    parameters: { campaignId: 'CAMPAIGN' },
    campaignId: 'CAMPAIGN',
    cause: () => reportMessage('message_received'),
  },
  { event: 'message_sent', parameters: {}, campaignId: '*', cause: () => reportMessage('message_sent') },
  {
    event: 'minutes_low',
    parameters: { thresholdMinutes: 2500 },
    campaignId: '*',
    // Pro (2000 included) plus 1000 bought: a 700-minute call takes remaining below 2500.
    cause: () => reportCall('call_completed', 700 * 60),
  },
];

const app = manifest();
const triggerOf = (webhook: string) =>
  Object.entries(app.components.module).find(([, meta]) => meta.webhook === webhook)![0];
const webhookOf = (event: string) => event.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

describe.each(cases)(
  'the Make trigger for $event',
  ({ event, parameters: rawParameters, campaignId, cause }) => {
    const webhookId = webhookOf(event);
    const code = componentCode('webhook', webhookId);
    const hookPath = `/make/${webhookId}`;
    let attached: Record<string, unknown>;
    let secret: string;
    const parameters = () =>
      Object.fromEntries(
        Object.entries(rawParameters).map(([k, v]) => [k, v === 'CAMPAIGN' ? tenant.campaign.id : v]),
      );

    test('when Make attaches the webhook, then the server holds a make subscription for Make’s URL', async () => {
      const result = await runRequest(
        code.attach,
        {
          parameters: parameters(),
          webhook: { id: `hook-${webhookId}`, url: receiver.url + hookPath },
          connection: connection.data,
        },
        { base: base() },
      );
      attached = result.data!;
      secret = (result.body as { secret: string }).secret;
      const listed = await api(server, 'GET', `${GATEWAY}/subscriptions`, { apiKey: tenant.apiKey });
      const subscription = listed.body.data.find((s: { id: string }) => s.id === attached.externalHookId);
      expect(subscription).toMatchObject({
        hookUrl: receiver.url + hookPath,
        triggerName: event,
        provider: 'make',
        campaignId: campaignId === 'CAMPAIGN' ? tenant.campaign.id : '*',
        thresholdMinutes: event === 'minutes_low' ? 2500 : null,
      });
    });

    test('when the event happens, then the signed delivery becomes one bundle equal to the event and matching the interface', async () => {
      const before = receiver.requests.length;
      await cause();
      const delivery = await receiver.firstTo(hookPath, before);
      const headers = Object.fromEntries(Object.entries(delivery.headers).map(([k, v]) => [k, String(v)]));
      const events = new Webhook(secret).verify(delivery.body, headers) as Array<Record<string, unknown>>;

      const bundles = receive(code.communication, { body: JSON.parse(delivery.body), headers });
      expect(bundles).toStrictEqual(events);
      expect(bundles).toHaveLength(1);
      expect(events[0]).toMatchObject({ triggerName: event, accountId: tenant.account.id });
      const trigger = componentCode('module', triggerOf(webhookId));
      // `test` marks only a "Send test event" delivery: a real event leaves it out.
      expect(
        interfaceMismatches(bundles[0] as Record<string, unknown>, trigger.interface, '', ['test']),
      ).toStrictEqual([]);
    });

    test('when Make detaches the webhook, then the subscription is gone', async () => {
      await runRequest(
        code.detach,
        { webhook: attached, connection: connection.data, parameters: parameters() },
        { base: base() },
      );
      const listed = await api(server, 'GET', `${GATEWAY}/subscriptions`, { apiKey: tenant.apiKey });
      expect(listed.body.data.map((s: { id: string }) => s.id)).not.toContain(attached.externalHookId);
    });
  },
);

describe('a campaign-filtered Make trigger', () => {
  const code = componentCode('webhook', 'callCompleted');
  const attach = (parameters: Record<string, unknown>, path: string) =>
    runRequest(
      code.attach,
      { parameters, webhook: { id: `hook${path}`, url: receiver.url + path }, connection: connection.data },
      { base: base() },
    );

  test('when calls complete in two campaigns, then only the chosen campaign’s call reaches its webhook', async () => {
    const chosen = await createCampaign(server.context.storage.db, server.clock, tenant.account.id, 'Chosen');
    const filtered = await attach({ campaignId: chosen.id }, '/make/filtered');
    const before = receiver.requests.length;
    await reportCall('call_completed', 60, tenant.campaign.id);
    await reportCall('call_completed', 60, chosen.id);
    // Each event fans out to its deliveries in the transaction that records it: one for this webhook.
    const deliveries = await server.context.storage.db
      .selectFrom('deliveries')
      .select('event_id')
      .where('subscription_id', '=', filtered.data!.externalHookId as string)
      .execute();
    expect(deliveries).toHaveLength(1);
    const delivery = await receiver.firstTo('/make/filtered', before);
    const bundles = receive(code.communication, { body: JSON.parse(delivery.body), headers: {} });
    expect(bundles).toMatchObject([{ campaignId: chosen.id, data: { campaignId: chosen.id } }]);
    await runRequest(
      code.detach,
      { webhook: filtered.data, connection: connection.data, parameters: {} },
      { base: base() },
    );
  });
});
