import zapier from 'zapier-platform-core';
import App from '../../connector/zapier/src/index';
import {
  authentication,
  authorizeUrl,
  getAccessToken,
  refreshAccessToken,
} from '../../connector/zapier/src/authentication';
import {
  BUY_EXTRA_MINUTES,
  perform as buyExtraMinutes,
} from '../../connector/zapier/src/creates/buy_extra_minutes';
import {
  callCreateFrom,
  perform as startCall,
  START_CALL,
} from '../../connector/zapier/src/creates/start_call';
import { deriveIdempotencyKey } from '../../connector/zapier/src/idempotency';
import { perform as updateAccountDetails } from '../../connector/zapier/src/creates/update_account_details';
import { perform as getAccount } from '../../connector/zapier/src/searches/get_account';
import { perform as getUsage } from '../../connector/zapier/src/searches/get_usage';
import { perform as campaignList } from '../../connector/zapier/src/triggers/campaign_list';
import type { TriggerName } from '../../schemas/generated/types';
import { createCampaign } from '../../webhook-server/src/domain/campaigns';
import { createOAuthClient } from '../../webhook-server/src/domain/oauth/clients';
import { requestFingerprint } from '../../webhook-server/src/http/idempotency';
import { caught, parsedErrorMessage } from '../support/zapierErrors';
import { openSignInForm, signInAndAllow, submitSignInForm } from '../support/oauthFlow';
import {
  api,
  createTenant,
  startTestServer,
  TEST_SERVICE_TOKEN,
  type Tenant,
  type TestServer,
} from '../support/server';

/*
 * The Zapier app against the real server: no nock, no mocks. The connector's own functions run
 * through zapier-platform-core's app tester (its request client, middleware and error mapping),
 * and the OAuth code comes from the real sign-in form.
 */

const appTester = zapier.createAppTester(App);
// What `zapier-platform describe` shows for an app; Zapier never follows it in a test.
const ZAPIER_REDIRECT_URI = 'https://zapier.com/dashboard/auth/oauth/return/App123CLIAPI/';

let server: TestServer;
let client: { id: string; clientSecret: string };
const savedEnv = { ...process.env };

/** bundle.authData as Zapier stores it: a flat record of strings. */
type AuthData = Record<string, string>;

beforeAll(async () => {
  server = await startTestServer('sqlite');
  client = await createOAuthClient(server.context.storage.db, server.clock, {
    name: 'Zapier',
    redirectUris: [ZAPIER_REDIRECT_URI],
  });
  // What `zapier-platform env:set` gives the app at run time.
  process.env.ATLAS_BASE_URL = server.url;
  process.env.CLIENT_ID = client.id;
  process.env.CLIENT_SECRET = client.clientSecret;
});

afterAll(async () => {
  process.env = { ...savedEnv };
  await server?.stop();
});

/** Zapier's side of connecting an account: authorize URL, the admin allows, code exchange. */
async function connect(tenant: Tenant, state = `state-${tenant.account.id}`): Promise<AuthData> {
  const url = await appTester(authorizeUrl, { inputData: { redirect_uri: ZAPIER_REDIRECT_URI, state } });
  const redirect = await signInAndAllow(url, { email: tenant.account.adminEmail, password: tenant.password });
  expect(redirect.location.toString().startsWith(ZAPIER_REDIRECT_URI)).toBe(true);
  expect(redirect.state).toBe(state);
  return {
    ...(await appTester(getAccessToken, {
      inputData: { code: redirect.code, redirect_uri: ZAPIER_REDIRECT_URI },
    })),
  };
}

const usageOf = async (tenant: Tenant) =>
  (await api(server, 'GET', '/v1/api/usage', { apiKey: tenant.apiKey })).body;

async function countRows(table: 'calls' | 'billing_purchases', accountId: string): Promise<number> {
  const row = await server.db.storage.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function countEvents(accountId: string, triggerName: TriggerName): Promise<number> {
  const row = await server.db.storage.db
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId)
    .where('trigger_name', '=', triggerName)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('connecting a Zapier account', () => {
  let tenant: Tenant;
  let authData: AuthData;

  beforeAll(async () => {
    tenant = await createTenant(server);
    authData = await connect(tenant);
  });

  test('when the admin signs in and allows, then getAccessToken returns an access and a refresh token', () => {
    expect(authData.access_token).toEqual(expect.any(String));
    expect(authData.refresh_token).toEqual(expect.any(String));
    expect(authData.refresh_token).not.toBe('');
    expect(authData.access_token).not.toBe(authData.refresh_token);
  });

  test('when Zapier tests the connection, then it gets the fields of the connection label', async () => {
    const me = await appTester(authentication.test, { authData });
    expect(me).toStrictEqual({
      sub: tenant.account.id,
      email: tenant.account.adminEmail,
      name: tenant.account.adminName,
      accountId: tenant.account.id,
      companyName: tenant.account.companyName,
      planId: 'starter',
    });
    const label = authentication.connectionLabel.replace(/\{\{(\w+)\}\}/g, (_m, key: string) =>
      String((me as unknown as Record<string, unknown>)[key]),
    );
    expect(label).toBe(`${tenant.account.companyName} (${tenant.account.adminEmail})`);
  });

  test('when the connection is refreshed, then new tokens work and the old refresh token is refused after the reuse interval', async () => {
    const refreshed: AuthData = { ...(await appTester(refreshAccessToken, { authData })) };
    expect(refreshed.access_token).not.toBe(authData.access_token);
    expect(refreshed.refresh_token).not.toBe(authData.refresh_token);
    await expect(appTester(authentication.test, { authData: refreshed })).resolves.toMatchObject({
      sub: tenant.account.id,
    });
    // Another Zapier worker refreshing at the same moment gets the same tokens.
    const concurrent: AuthData = { ...(await appTester(refreshAccessToken, { authData })) };
    expect(concurrent).toMatchObject({
      access_token: refreshed.access_token,
      refresh_token: refreshed.refresh_token,
    });

    // 30 s later the old token is reuse: refused, and the connection must be made again.
    server.clock.advance(31_000);
    const error = await caught(appTester(refreshAccessToken, { authData }));
    expect(error.name).toBe('ExpiredAuthError');
    expect(error.message).toMatch(/Reconnect your Atlas account/);
    authData = await connect(tenant);
  });

  test('when the access token is not valid, then a request asks Zapier to refresh', async () => {
    const error = await caught(
      appTester(getAccount, { authData: { ...authData, access_token: 'atlas_not_a_token' } }),
    );
    expect(error.name).toBe('RefreshAuthError');
  });

  test('when the admin denies, then Zapier gets access_denied with its state and no code', async () => {
    const url = await appTester(authorizeUrl, {
      inputData: { redirect_uri: ZAPIER_REDIRECT_URI, state: 'deny-state' },
    });
    const redirect = await submitSignInForm(
      await openSignInForm(url),
      { email: tenant.account.adminEmail, password: tenant.password },
      'deny',
    );
    expect(redirect).toMatchObject({ error: 'access_denied', state: 'deny-state', code: null });
  });

  test('when the code is used a second time, then the sign-in is refused with the server message', async () => {
    const url = await appTester(authorizeUrl, {
      inputData: { redirect_uri: ZAPIER_REDIRECT_URI, state: 's' },
    });
    const { code } = await signInAndAllow(url, {
      email: tenant.account.adminEmail,
      password: tenant.password,
    });
    const inputData = { code, redirect_uri: ZAPIER_REDIRECT_URI };
    await appTester(getAccessToken, { inputData });
    const error = await caught(appTester(getAccessToken, { inputData }));
    expect(parsedErrorMessage(error)).toMatchObject({ code: 'oauth', status: 400 });
    expect(String(parsedErrorMessage(error).message)).toMatch(/^Atlas did not accept the sign-in: ./);
  });
});

describe('actions and searches on a paid plan', () => {
  let tenant: Tenant;
  let authData: AuthData;

  beforeAll(async () => {
    tenant = await createTenant(server, 'starter');
    authData = await connect(tenant);
  });

  test('when account details are updated, then the API shows them and an account_updated event is written', async () => {
    const inputData = {
      companyName: ' Renamed Co ',
      adminName: 'Robin Admin',
      profilePictureUrl: 'https://cdn.example.com/logo.png',
      adminEmail: '',
    };
    const updated = await appTester(updateAccountDetails, { authData, inputData });
    expect(updated).toMatchObject({
      id: tenant.account.id,
      companyName: 'Renamed Co',
      adminName: 'Robin Admin',
      adminEmail: tenant.account.adminEmail,
      profilePictureUrl: 'https://cdn.example.com/logo.png',
    });
    const read = await api(server, 'GET', '/v1/api/account', { token: authData.access_token });
    expect(read.body).toStrictEqual(updated);
    expect(await countEvents(tenant.account.id, 'account_updated')).toBe(1);
  });

  test('when get_account runs, then it returns the account as the API does', async () => {
    const read = await api(server, 'GET', '/v1/api/account', { apiKey: tenant.apiKey });
    expect(await appTester(getAccount, { authData })).toStrictEqual([read.body]);
  });

  test('when get_usage runs, then it returns this period’s usage as the API does', async () => {
    const usage = await appTester(getUsage, { authData });
    expect(usage).toStrictEqual([await usageOf(tenant)]);
    expect(usage[0]).toMatchObject({ planId: 'starter', includedMinutes: 500, remainingMinutes: 500 });
  });

  test('when extra minutes are bought and the step replayed, then 1000 minutes are added once', async () => {
    const before = await usageOf(tenant);
    const bundle = { authData, inputData: { blocks: 1, reference: 'evt_01TESTREFERENCE' } };
    const first = await appTester(buyExtraMinutes, bundle);
    expect(first).toMatchObject({
      blocks: 1,
      minutes: 1000,
      amountCents: 9900,
      currency: 'usd',
      status: 'succeeded',
      livemode: false,
    });
    const after = await usageOf(tenant);
    expect(after.extraMinutes).toBe(before.extraMinutes + 1000);
    expect(after.remainingMinutes).toBe(before.remainingMinutes + 1000);

    const key = deriveIdempotencyKey(
      {},
      {
        action: BUY_EXTRA_MINUTES,
        reference: 'evt_01TESTREFERENCE',
        body: {},
      },
    );
    const purchase = await server.db.storage.db
      .selectFrom('billing_purchases')
      .select(['id', 'idempotency_key'])
      .where('account_id', '=', tenant.account.id)
      .executeTakeFirstOrThrow();
    expect(purchase).toStrictEqual({ id: first.id, idempotency_key: key });

    const replay = await appTester(buyExtraMinutes, bundle);
    expect(replay).toStrictEqual(first);
    expect(await usageOf(tenant)).toStrictEqual(after);
    expect(await countRows('billing_purchases', tenant.account.id)).toBe(1);
    expect(await countEvents(tenant.account.id, 'minutes_purchased')).toBe(1);
  });

  test('when a call is started and the step replayed, then one call is queued', async () => {
    const bundle = {
      authData,
      inputData: {
        campaignId: tenant.campaign.id,
        phoneNumber: '+1 (415) 555-0123',
        customerName: 'Jordan Lee',
        parameters: { appointment_time: 'Tuesday 10am' },
        reference: 'row-42',
      },
    };
    const call = await appTester(startCall, bundle);
    expect(call).toMatchObject({
      id: expect.stringMatching(/^call_/),
      campaignId: tenant.campaign.id,
      phoneNumber: '+14155550123',
      customerName: 'Jordan Lee',
      status: 'queued',
      durationSeconds: null,
      parameters: { appointment_time: 'Tuesday 10am' },
    });
    const replay = await appTester(startCall, bundle);
    expect(replay).toStrictEqual(call);
    expect(await countRows('calls', tenant.account.id)).toBe(1);
    const read = await api(server, 'GET', `/v1/api/calls/${call.id}`, { token: authData.access_token });
    // The sandbox dialer may have picked the call up meanwhile.
    const { statusUrl, ...created } = call;
    expect(statusUrl).toBe(`${server.url}/v1/api/calls/${call.id}`);
    expect(read.body).toStrictEqual({ ...created, status: expect.stringMatching(/^(queued|dispatched)$/) });
  });

  test('when the same call is still being started, then Zapier is told to retry with the same key', async () => {
    const inputData = { campaignId: tenant.campaign.id, phoneNumber: '+14155550199', reference: 'row-busy' };
    const bundle = { authData, inputData, meta: { zap: { id: 'zap_e2e', user: { timezone: 'UTC' } } } };
    const body = callCreateFrom(inputData);
    const now = server.clock.now().toISOString();
    // The first attempt's claim, as the server holds it while that attempt is still running.
    await server.db.storage.db
      .insertInto('idempotency_keys')
      .values({
        account_id: tenant.account.id,
        idempotency_key: deriveIdempotencyKey(bundle, { action: START_CALL, reference: 'row-busy', body }),
        fingerprint: requestFingerprint('POST', '/v1/api/calls', body),
        state: 'in_progress',
        response_status: null,
        response_body: null,
        created_at: now,
        locked_at: now,
      })
      .execute();
    const calls = await countRows('calls', tenant.account.id);

    const error = await caught(appTester(startCall, bundle));
    expect(error.name).toBe('ThrottledError');
    expect(parsedErrorMessage(error)).toStrictEqual({
      message:
        'A request with this Idempotency-Key is still in progress. Retry in a moment with the same key to get its answer.',
      delay: 1,
    });
    expect(await countRows('calls', tenant.account.id)).toBe(calls);
  });

  test('when an input is invalid, then the Zap error names the field the server refused', async () => {
    const call = await caught(
      appTester(startCall, {
        authData,
        inputData: { campaignId: tenant.campaign.id, phoneNumber: 'call me' },
      }),
    );
    expect(parsedErrorMessage(call)).toMatchObject({ code: 'Bad Request', status: 400 });
    expect(String(parsedErrorMessage(call).message)).toMatch(
      /\(phoneNumber: must be an E\.164 phone number such as \+14155550123\)$/,
    );
    const account = await caught(
      appTester(updateAccountDetails, { authData, inputData: { adminEmail: 'nope' } }),
    );
    expect(String(parsedErrorMessage(account).message)).toMatch(/\(adminEmail: must be a valid email\)$/);
    const blocks = await caught(appTester(buyExtraMinutes, { authData, inputData: { blocks: 101 } }));
    expect(parsedErrorMessage(blocks)).toMatchObject({ status: 400 });
    expect(String(parsedErrorMessage(blocks).message)).toMatch(/\(blocks: /);
    expect(await countRows('billing_purchases', tenant.account.id)).toBe(1);
  });

  test('when the campaign dropdown loads, then it lists all of this account’s campaigns after "All campaigns"', async () => {
    // More than one page (50 by default), so the connector follows the server's nextCursor.
    const extra = [];
    for (let i = 1; i <= 52; i++) {
      extra.push(
        await createCampaign(server.context.storage.db, server.clock, tenant.account.id, `Recall ${i}`),
      );
    }
    const other = await createTenant(server);
    const choices = await appTester(campaignList, { authData });
    const expected = [tenant.campaign, ...extra]
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map((campaign) => ({ id: campaign.id, name: campaign.name }));
    expect(choices).toStrictEqual([{ id: '*', name: 'All campaigns' }, ...expected]);
    expect(choices.map((c) => c.id)).not.toContain(other.campaign.id);
  });
});

describe('actions that the account cannot afford', () => {
  let tenant: Tenant;
  let authData: AuthData;

  beforeAll(async () => {
    tenant = await createTenant(server, 'free');
    authData = await connect(tenant);
  });

  test('when a free-plan account buys extra minutes, then the server’s upgrade message is the Zap error', async () => {
    const error = await caught(appTester(buyExtraMinutes, { authData, inputData: { blocks: 1 } }));
    expect(parsedErrorMessage(error)).toStrictEqual({
      message:
        'The Free plan cannot buy extra minutes. Upgrade to a paid plan (POST /v1/api/billing/checkout with a planId such as "starter"), then buy again. (planId: free does not allow extra minutes)',
      code: 'Forbidden',
      status: 403,
    });
    expect(await countRows('billing_purchases', tenant.account.id)).toBe(0);
    expect((await usageOf(tenant)).extraMinutes).toBe(0);
  });

  test('when no call time is left, then start_call fails with the server’s 402 message and queues nothing', async () => {
    const spent = await api(server, 'POST', '/v1/internal/call-events', {
      token: TEST_SERVICE_TOKEN,
      body: {
        type: 'call_completed',
        callId: 'platform-call-1',
        campaignId: tenant.campaign.id,
        phoneNumber: '+14155550100',
        status: 'completed',
        durationSeconds: 60 * 60,
        occurredAt: server.clock.now().toISOString(),
      },
    });
    expect(spent.status).toBe(201);
    expect((await usageOf(tenant)).remainingSeconds).toBe(0);
    const calls = await countRows('calls', tenant.account.id);

    const error = await caught(
      appTester(startCall, {
        authData,
        inputData: { campaignId: tenant.campaign.id, phoneNumber: '+14155550123' },
      }),
    );
    expect(parsedErrorMessage(error)).toMatchObject({ code: 'Payment Required', status: 402 });
    expect(String(parsedErrorMessage(error).message)).toMatch(/^No call time is left in this billing period/);
    expect(await countRows('calls', tenant.account.id)).toBe(calls);
  });
});
