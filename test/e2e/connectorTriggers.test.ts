import { Webhook } from 'standardwebhooks';
import zapier, { type Bundle, type ZObject } from 'zapier-platform-core';
import type { Subscription } from '../../schemas/generated/types';
import App from '../../connector/src/index';
import { authorizeUrl, getAccessToken } from '../../connector/src/authentication';
import * as accountUpdated from '../../connector/src/triggers/account_updated';
import * as callCompleted from '../../connector/src/triggers/call_completed';
import * as callStarted from '../../connector/src/triggers/call_started';
import * as messageReceived from '../../connector/src/triggers/message_received';
import * as messageSent from '../../connector/src/triggers/message_sent';
import * as minutesLow from '../../connector/src/triggers/minutes_low';
import * as minutesPurchased from '../../connector/src/triggers/minutes_purchased';
import * as planChanged from '../../connector/src/triggers/plan_changed';
import { changePlan } from '../../webhook-server/src/domain/accounts';
import { createOAuthClient } from '../../webhook-server/src/domain/oauth/clients';
import { signInAndAllow } from '../support/oauthFlow';
import { Receiver } from '../support/receiver';
import {
  api,
  createTenant,
  startTestServer,
  TEST_SERVICE_TOKEN,
  type Tenant,
  type TestServer,
} from '../support/server';

/*
 * Every instant trigger of the Zapier app against the real server: the connector subscribes with
 * a local target URL, the event is caused through the API, the real signed delivery arrives, its
 * signature verifies with standardwebhooks, and the trigger's perform turns it into the same
 * output performList gives for that event. performUnsubscribe then removes the subscription.
 */

const appTester = zapier.createAppTester(App);
const REDIRECT_URI = 'https://zapier.com/dashboard/auth/oauth/return/App123CLIAPI/';
const GATEWAY = '/v1/api/events-gateway/trigger';

/** What every hook trigger module exports; outputs differ per trigger, so they are kept opaque here. */
interface TriggerModule {
  perform: (z: ZObject, bundle: Bundle) => Promise<Array<{ id: string }>>;
  performList: (z: ZObject, bundle: Bundle) => Promise<Array<{ id: string }>>;
  performSubscribe: (z: ZObject, bundle: Bundle) => Promise<Subscription>;
  performUnsubscribe: (z: ZObject, bundle: Bundle) => Promise<object>;
}

let server: TestServer;
let receiver: Receiver;
let tenant: Tenant;
let authData: Record<string, string>;
const savedEnv = { ...process.env };
let callCounter = 0;

beforeAll(async () => {
  server = await startTestServer('sqlite', { ATLAS_ALLOW_PRIVATE_HOOK_URLS: 'true' });
  receiver = await Receiver.start();
  const client = await createOAuthClient(server.context.storage.db, server.clock, {
    name: 'Zapier',
    redirectUris: [REDIRECT_URI],
  });
  process.env.ATLAS_BASE_URL = server.url;
  process.env.CLIENT_ID = client.id;
  process.env.CLIENT_SECRET = client.clientSecret;
  tenant = await createTenant(server, 'starter');
  const url = await appTester(authorizeUrl, { inputData: { redirect_uri: REDIRECT_URI, state: 'xyz' } });
  const redirect = await signInAndAllow(url, { email: tenant.account.adminEmail, password: tenant.password });
  authData = {
    ...(await appTester(getAccessToken, { inputData: { code: redirect.code, redirect_uri: REDIRECT_URI } })),
  };
});

afterAll(async () => {
  process.env = { ...savedEnv };
  await receiver?.close();
  await server?.stop();
});

async function reportCall(type: 'call_started' | 'call_completed', callId: string, durationSeconds = 0) {
  const res = await api(server, 'POST', '/v1/internal/call-events', {
    token: TEST_SERVICE_TOKEN,
    body: {
      type,
      callId,
      campaignId: tenant.campaign.id,
      phoneNumber: '+14155550123',
      customerName: 'Jordan Lee',
      ...(type === 'call_completed' ? { durationSeconds, summary: 'Booked.' } : {}),
      occurredAt: server.clock.now().toISOString(),
    },
  });
  expect(res.status).toBe(201);
}

let messageCounter = 0;

async function reportMessage(type: 'message_received' | 'message_sent', body: string) {
  const res = await api(server, 'POST', '/v1/internal/message-events', {
    token: TEST_SERVICE_TOKEN,
    body: {
      type,
      messageId: `e2e-msg-${++messageCounter}`,
      campaignId: tenant.campaign.id,
      phoneNumber: '+14155550123',
      body,
      occurredAt: server.clock.now().toISOString(),
    },
  });
  expect(res.status).toBe(201);
}

const cases: Array<{
  key: string;
  trigger: TriggerModule;
  inputData: Record<string, unknown>;
  cause: () => Promise<void>;
  expected: Record<string, unknown>;
}> = [
  {
    key: 'account_updated',
    trigger: accountUpdated,
    inputData: {},
    cause: async () => {
      const res = await api(server, 'PATCH', '/v1/api/account', {
        apiKey: tenant.apiKey,
        body: { companyName: 'Zap Dental' },
      });
      expect(res.status).toBe(200);
    },
    expected: { triggerName: 'account_updated' },
  },
  {
    key: 'minutes_purchased',
    trigger: minutesPurchased,
    inputData: {},
    cause: async () => {
      const res = await api(server, 'POST', '/v1/api/billing/extra-minutes', {
        apiKey: tenant.apiKey,
        headers: { 'idempotency-key': 'e2e-purchase-1' },
        body: { blocks: 1 },
      });
      expect(res.status).toBe(201);
    },
    expected: { triggerName: 'minutes_purchased', blocks: 1, minutes: 1000, livemode: false },
  },
  {
    key: 'plan_changed',
    trigger: planChanged,
    inputData: {},
    cause: async () => {
      await changePlan(server.context.storage.db, server.clock, tenant.account.id, 'pro');
    },
    expected: { triggerName: 'plan_changed', direction: 'upgrade' },
  },
  {
    key: 'call_started',
    trigger: callStarted,
    inputData: { campaignId: '*' },
    cause: () => reportCall('call_started', `e2e-call-${++callCounter}`),
    expected: { triggerName: 'call_started', phoneNumber: '+14155550123', customerName: 'Jordan Lee' },
  },
  {
    key: 'call_completed',
    trigger: callCompleted,
    inputData: { campaignId: '' },
    cause: () => reportCall('call_completed', `e2e-call-${++callCounter}`, 125),
    expected: { triggerName: 'call_completed', durationSeconds: 125, summary: 'Booked.' },
  },
  {
    key: 'message_received',
    trigger: messageReceived,
    inputData: { campaignId: '*' },
    cause: () => reportMessage('message_received', 'Can we move it to 11?'),
    expected: { triggerName: 'message_received', channel: 'sms', body: 'Can we move it to 11?' },
  },
  {
    key: 'message_sent',
    trigger: messageSent,
    inputData: {},
    cause: () => reportMessage('message_sent', 'See you at 11.'),
    expected: { triggerName: 'message_sent', channel: 'sms', body: 'See you at 11.' },
  },
  {
    key: 'minutes_low',
    trigger: minutesLow,
    inputData: { thresholdMinutes: '2500' },
    // On Pro (2000 included) plus 1000 purchased, 3000 minus what the calls above used is left;
    // a 700-minute call takes remaining below 2500.
    cause: () => reportCall('call_completed', `e2e-call-${++callCounter}`, 700 * 60),
    expected: { triggerName: 'minutes_low', thresholdMinutes: 2500 },
  },
];

describe.each(cases)('the $key trigger end to end', ({ key, trigger, inputData, cause, expected }) => {
  let subscription: Subscription;
  const hookPath = `/hooks/${key}`;

  test('when Zapier subscribes, then the server stores a zapier subscription with a signing secret', async () => {
    subscription = await appTester(trigger.performSubscribe, {
      authData,
      inputData,
      targetUrl: receiver.url + hookPath,
    });
    expect(subscription).toMatchObject({
      triggerName: key,
      provider: 'zapier',
      campaignId: '*',
      secret: expect.stringMatching(/^whsec_/),
    });
  });

  test('when the event happens, then a signed delivery arrives and perform maps it like performList', async () => {
    const before = receiver.requests.length;
    await cause();
    const deadline = Date.now() + 10_000;
    let delivery = receiver.requests.slice(before).find((r) => r.path === hookPath);
    while (!delivery && Date.now() < deadline) {
      await receiver.received(receiver.requests.length + 1, deadline - Date.now()).catch(() => undefined);
      delivery = receiver.requests.slice(before).find((r) => r.path === hookPath);
    }
    if (!delivery) throw new Error(`no ${key} delivery arrived at ${hookPath}`);

    const headers = Object.fromEntries(Object.entries(delivery.headers).map(([k, v]) => [k, String(v)]));
    const verified = new Webhook(subscription.secret ?? '').verify(delivery.body, headers);
    const events = JSON.parse(delivery.body);
    expect(verified).toStrictEqual(events);
    expect(events).toHaveLength(1);
    expect(events[0].triggerName).toBe(key);

    const output = await appTester(trigger.perform, { authData, cleanedRequest: events });
    expect(output).toHaveLength(1);
    expect(output[0]).toMatchObject({ ...expected, id: events[0].id, accountId: tenant.account.id });

    const listed = await appTester(trigger.performList, { authData });
    expect(listed[0]).toStrictEqual(output[0]);
  });

  test('when Zapier unsubscribes, then the subscription is gone', async () => {
    await appTester(trigger.performUnsubscribe, { authData, subscribeData: subscription });
    const res = await api(server, 'GET', `${GATEWAY}/subscriptions`, { apiKey: tenant.apiKey });
    expect(res.body.data.map((s: { id: string }) => s.id)).not.toContain(subscription.id);
  });
});
