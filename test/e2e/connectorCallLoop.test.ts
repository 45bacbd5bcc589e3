import { Webhook } from 'standardwebhooks';
import zapier from 'zapier-platform-core';
import App from '../../connector/src/index';
import { authorizeUrl, getAccessToken } from '../../connector/src/authentication';
import { perform as cancelCall } from '../../connector/src/creates/cancel_call';
import { perform as startCall } from '../../connector/src/creates/start_call';
import { perform as findCall } from '../../connector/src/searches/find_call';
import * as callCompleted from '../../connector/src/triggers/call_completed';
import { SANDBOX_NUMBERS } from '../../webhook-server/src/calling/sandboxScript';
import { createOAuthClient } from '../../webhook-server/src/domain/oauth/clients';
import { signInAndAllow } from '../support/oauthFlow';
import { Receiver } from '../support/receiver';
import { createTenant, startTestServer, type Tenant, type TestServer } from '../support/server';
import { waitFor } from '../support/waitFor';

/*
 * The loop a Zapier user builds, against the real server and its sandbox dialer: "Start a Call"
 * through the app, then the app's "Call Completed" trigger receives how it went.
 */

const appTester = zapier.createAppTester(App);
const REDIRECT_URI = 'https://zapier.com/dashboard/auth/oauth/return/App123CLIAPI/';

let server: TestServer;
let receiver: Receiver;
let tenant: Tenant;
let authData: Record<string, string>;
const savedEnv = { ...process.env };

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
  const url = await appTester(authorizeUrl, { inputData: { redirect_uri: REDIRECT_URI, state: 'loop' } });
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

const statusOf = async (callId: string) =>
  ((await appTester(findCall, { authData, inputData: { callId } })) as Array<{ status: string }>)[0]?.status;

test('when a Zap starts a call, then its Call Completed trigger receives the outcome of that call', async () => {
  const subscription = await appTester(callCompleted.performSubscribe, {
    authData,
    inputData: { campaignId: tenant.campaign.id },
    targetUrl: `${receiver.url}/zap/call_completed`,
  });
  const call = await appTester(startCall, {
    authData,
    inputData: {
      campaignId: tenant.campaign.id,
      phoneNumber: '+14155550123',
      customerName: 'Jordan Lee',
      parameters: { appointment_time: 'Tuesday 10am', sandboxDurationSeconds: '30' },
      reference: 'lead-1841',
    },
  });
  expect(call).toMatchObject({ status: 'queued', statusUrl: `${server.url}/v1/api/calls/${call.id}` });

  await waitFor('the call to be dispatched', async () => (await statusOf(call.id)) === 'dispatched');
  server.clock.advance(1000);
  await waitFor('the call to connect', async () => (await statusOf(call.id)) === 'in_progress');
  server.clock.advance(30_000);
  await receiver.received(1);

  const [delivery] = receiver.requests;
  const headers = Object.fromEntries(Object.entries(delivery!.headers).map(([k, v]) => [k, String(v)]));
  const events = new Webhook(subscription.secret ?? '').verify(delivery!.body, headers);
  const [output] = await appTester(callCompleted.perform, { authData, cleanedRequest: events });
  expect(output).toMatchObject({
    triggerName: 'call_completed',
    callId: call.id,
    campaignId: tenant.campaign.id,
    customerName: 'Jordan Lee',
    status: 'completed',
    durationSeconds: 30,
    summary: expect.stringContaining('appointment time: Tuesday 10am'),
    recordingUrl: expect.stringMatching(/^https:\/\//),
  });
  const [found] = await appTester(findCall, { authData, inputData: { callId: call.id } });
  expect(found).toMatchObject({
    id: call.id,
    status: 'completed',
    durationSeconds: 30,
    summary: output!.summary,
  });
});

test('when a Zap cancels a ringing call, then Find Call shows it canceled, and an unknown id finds nothing', async () => {
  const call = await appTester(startCall, {
    authData,
    inputData: {
      campaignId: tenant.campaign.id,
      phoneNumber: SANDBOX_NUMBERS.ringsForAnHour,
      reference: 'lead-9',
    },
  });
  expect(await appTester(cancelCall, { authData, inputData: { callId: call.id } })).toMatchObject({
    id: call.id,
    status: 'canceled',
    durationSeconds: 0,
  });
  expect(await statusOf(call.id)).toBe('canceled');
  expect(
    await appTester(findCall, { authData, inputData: { callId: 'call_01JD7X2M6Q8K3V5T9W4Y1Z0NOP' } }),
  ).toStrictEqual([]);
});
