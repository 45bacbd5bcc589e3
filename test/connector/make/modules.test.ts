import { createCampaign } from '../../../webhook-server/src/domain/campaigns';
import { api, startTestServer, TEST_SERVICE_TOKEN, type Tenant, type TestServer } from '../../support/server';
import { componentCode } from './harness/app';
import { connectedTenant, runComponent, type MakeConnection } from './harness/connection';
import { interfaceMismatches } from './harness/interface';
import { MakeError } from './harness/runner';
import { waitFor } from '../../support/waitFor';

/*
 * Every action, search and RPC of the Make app, run through the IML harness against the real
 * server: outputs are compared in full with what the API itself answers, and replays of the
 * money- and call-placing actions are shown to buy or call once.
 */

let server: TestServer;
let tenant: Tenant;
let connection: MakeConnection;

beforeAll(async () => {
  // The sandbox dialer runs on the test's clock, which stays still: a call is dispatched and then
  // waits, so its fields stay as the tests left them.
  server = await startTestServer('sqlite');
  ({ tenant, connection } = await connectedTenant(server, 'starter'));
});

afterAll(async () => {
  await server?.stop();
});

const read = async (path: string) => (await api(server, 'GET', path, { apiKey: tenant.apiKey })).body;
const interfaceOf = (id: string) => componentCode('module', id).interface;
const single = async (id: string, parameters: Record<string, unknown> = {}) => {
  const result = await runComponent('module', id, connection, parameters);
  expect(result.outputs).toHaveLength(1);
  return result;
};
// The sandbox dialer dispatches each queued call once; compare outputs after it has.
const settled = (apiKey: string) =>
  waitFor('every call dispatched', async () => {
    const { body } = await api(server, 'GET', '/v1/api/calls?status=queued&limit=1', { apiKey });
    return body.data.length === 0;
  });
const countCalls = async (accountId: string) =>
  (
    await server.context.storage.db
      .selectFrom('calls')
      .select('id')
      .where('account_id', '=', accountId)
      .execute()
  ).length;

describe('the Make searches', () => {
  test('when Get Account runs, then it outputs the account exactly as the API has it, as its interface says', async () => {
    const { outputs } = await single('getAccount');
    expect(outputs[0]).toStrictEqual(await read('/v1/api/account'));
    expect(
      interfaceMismatches(outputs[0] as Record<string, unknown>, interfaceOf('getAccount')),
    ).toStrictEqual([]);
  });

  test('when Get Usage runs, then it outputs this period’s usage exactly, as its interface says', async () => {
    const { outputs } = await single('getUsage');
    expect(outputs[0]).toStrictEqual(await read('/v1/api/usage'));
    expect(interfaceMismatches(outputs[0] as Record<string, unknown>, interfaceOf('getUsage'))).toStrictEqual(
      [],
    );
  });
});

describe('the Make actions', () => {
  test('when Update Account Details sets two fields, then only those change and the output is the updated account', async () => {
    const before = await read('/v1/api/account');
    const { outputs, requests } = await single('updateAccountDetails', {
      companyName: 'Make Dental',
      adminName: 'Robin Make',
    });
    expect(JSON.parse(requests[0]!.body!)).toStrictEqual({
      companyName: 'Make Dental',
      adminName: 'Robin Make',
    });
    const after = await read('/v1/api/account');
    expect(outputs[0]).toStrictEqual(after);
    expect(after).toStrictEqual({
      ...before,
      companyName: 'Make Dental',
      adminName: 'Robin Make',
      updatedAt: after.updatedAt,
    });
    expect(
      interfaceMismatches(outputs[0] as Record<string, unknown>, interfaceOf('updateAccountDetails')),
    ).toStrictEqual([]);
  });

  test('when Buy Extra Minutes runs twice with one Reference, then one purchase is made and both runs output it', async () => {
    const before = await read('/v1/api/usage');
    const first = await single('buyExtraMinutes', { blocks: 2, reference: 'evt_make_purchase_1' });
    const replay = await single('buyExtraMinutes', { blocks: 2, reference: 'evt_make_purchase_1' });
    expect(first.requests[0]!.headers['Idempotency-Key']).toMatch(/^make-buy-extra-minutes-[0-9a-f]{64}$/);
    expect(replay.requests[0]!.headers['Idempotency-Key']).toBe(
      first.requests[0]!.headers['Idempotency-Key'],
    );
    expect(replay.outputs[0]).toStrictEqual(first.outputs[0]);
    expect(first.outputs[0]).toMatchObject({
      blocks: 2,
      minutes: 2000,
      status: 'succeeded',
      livemode: false,
    });
    expect(
      interfaceMismatches(first.outputs[0] as Record<string, unknown>, interfaceOf('buyExtraMinutes'), '', [
        'checkoutUrl',
        'message',
      ]),
    ).toStrictEqual([]);
    expect((await read('/v1/api/usage')).extraMinutes).toBe(before.extraMinutes + 2000);
  });

  test('when Buy Extra Minutes runs with another Reference, then that is a second purchase', async () => {
    const before = await read('/v1/api/usage');
    const a = await single('buyExtraMinutes', { blocks: 1, reference: 'evt_make_purchase_2' });
    const b = await single('buyExtraMinutes', { blocks: 1, reference: 'evt_make_purchase_3' });
    expect((a.outputs[0] as { id: string }).id).not.toBe((b.outputs[0] as { id: string }).id);
    expect((await read('/v1/api/usage')).extraMinutes).toBe(before.extraMinutes + 2000);
  });

  test('when Buy Extra Minutes runs twice in one hour without a Reference, then the second run is a replay', async () => {
    const before = await read('/v1/api/usage');
    const hour = new Date('2026-12-01T15:05:00Z');
    const first = await runComponent('module', 'buyExtraMinutes', connection, { blocks: 3 }, hour);
    const replay = await runComponent(
      'module',
      'buyExtraMinutes',
      connection,
      { blocks: 3 },
      new Date('2026-12-01T15:55:00Z'),
    );
    expect(replay.outputs[0]).toStrictEqual(first.outputs[0]);
    expect((await read('/v1/api/usage')).extraMinutes).toBe(before.extraMinutes + 3000);
  });

  test('when Start a Call runs twice with one Reference, then one call is queued and both runs output it exactly', async () => {
    const calls = await countCalls(tenant.account.id);
    const parameters = {
      campaignId: tenant.campaign.id,
      phoneNumber: '+14155550123',
      customerName: 'Jordan Lee',
      parameters: [{ key: 'appointment_time', value: 'Tuesday 10am' }],
      reference: 'evt_make_call_1',
    };
    const first = await single('startCall', parameters);
    const replay = await single('startCall', parameters);
    expect(JSON.parse(first.requests[0]!.body!)).toStrictEqual({
      campaignId: tenant.campaign.id,
      phoneNumber: '+14155550123',
      customerName: 'Jordan Lee',
      parameters: { appointment_time: 'Tuesday 10am' },
    });
    const call = first.outputs[0] as { id: string; status: string };
    expect(replay.outputs[0]).toStrictEqual(call);
    // The output is the call as queued; the sandbox dialer may have dispatched it since.
    expect(call.status).toBe('queued');
    expect(call).toStrictEqual({ ...(await read(`/v1/api/calls/${call.id}`)), status: 'queued' });
    expect(interfaceMismatches(call as never, interfaceOf('startCall'))).toStrictEqual([]);
    expect(await countCalls(tenant.account.id)).toBe(calls + 1);
  });

  test('when Get a Call runs with a call’s ID, then it outputs that call exactly', async () => {
    const started = await single('startCall', {
      campaignId: tenant.campaign.id,
      phoneNumber: '+14155550124',
      reference: 'evt_make_call_2',
    });
    const id = (started.outputs[0] as { id: string }).id;
    await settled(tenant.apiKey);
    const { outputs } = await single('getCall', { callId: id });
    expect(outputs[0]).toStrictEqual(await read(`/v1/api/calls/${id}`));
    expect(interfaceMismatches(outputs[0] as Record<string, unknown>, interfaceOf('getCall'))).toStrictEqual(
      [],
    );
  });
});

describe('the Make call modules', () => {
  const start = async (phoneNumber: string, reference: string, campaignId = tenant.campaign.id) =>
    (await single('startCall', { campaignId, phoneNumber, reference })).outputs[0] as { id: string };

  test('when List Calls runs with a limit above one page, then it pages newest first and outputs the API’s calls exactly', async () => {
    const { tenant: other, connection: otherConnection } = await connectedTenant(server, 'pro');
    for (let i = 0; i < 105; i += 1) {
      const res = await api(server, 'POST', '/v1/api/calls', {
        apiKey: other.apiKey,
        body: { campaignId: other.campaign.id, phoneNumber: `+1415555${String(1000 + i)}` },
      });
      expect(res.status).toBe(201);
    }
    await settled(other.apiKey);
    const page1 = (await api(server, 'GET', '/v1/api/calls?limit=100', { apiKey: other.apiKey })).body;
    const page2 = (
      await api(server, 'GET', `/v1/api/calls?limit=100&cursor=${page1.nextCursor}`, { apiKey: other.apiKey })
    ).body;
    const result = await runComponent('module', 'listCalls', otherConnection, { limit: 103 });
    expect(result.requests.map((r) => new URL(r.url).searchParams.get('limit'))).toStrictEqual([
      '100',
      '100',
    ]);
    expect(result.outputs).toStrictEqual([...page1.data, ...page2.data].slice(0, 103));
    for (const call of result.outputs)
      expect(interfaceMismatches(call as never, interfaceOf('listCalls'))).toStrictEqual([]);
  });

  test('when List Calls filters by campaign and status with a small limit, then only those calls come back', async () => {
    const campaign = await createCampaign(
      server.context.storage.db,
      server.clock,
      tenant.account.id,
      'Filtered',
    );
    const a = await start('+14155550201', 'evt_list_a', campaign.id);
    const b = await start('+14155550202', 'evt_list_b', campaign.id);
    await start('+14155550203', 'evt_list_c');
    await single('cancelCall', { callId: a.id });
    const canceled = await runComponent('module', 'listCalls', connection, {
      campaignId: campaign.id,
      status: 'canceled',
      limit: 5,
    });
    expect(canceled.outputs.map((c) => (c as { id: string }).id)).toStrictEqual([a.id]);
    const newest = await runComponent('module', 'listCalls', connection, {
      campaignId: campaign.id,
      limit: 1,
    });
    expect(new URL(newest.requests[0]!.url).searchParams.get('limit')).toBe('1');
    expect(newest.outputs.map((c) => (c as { id: string }).id)).toStrictEqual([b.id]);
  });

  test('when Cancel a Call runs on a queued call, then the output is the canceled call, and running it again answers the same', async () => {
    const call = await start('+14155550301', 'evt_cancel_1');
    const first = await single('cancelCall', { callId: call.id });
    expect(first.outputs[0]).toStrictEqual(await read(`/v1/api/calls/${call.id}`));
    expect(first.outputs[0]).toMatchObject({ id: call.id, status: 'canceled' });
    const again = await single('cancelCall', { callId: call.id });
    expect(again.outputs[0]).toStrictEqual(first.outputs[0]);
    expect(interfaceMismatches(first.outputs[0] as never, interfaceOf('cancelCall'))).toStrictEqual([]);
  });

  test('when Cancel a Call runs on a call already answered, then a DataError names its status', async () => {
    const call = await start('+14155550302', 'evt_cancel_2');
    const res = await api(server, 'POST', '/v1/internal/call-events', {
      token: TEST_SERVICE_TOKEN,
      body: {
        type: 'call_started',
        callId: call.id,
        campaignId: tenant.campaign.id,
        phoneNumber: '+14155550302',
        occurredAt: server.clock.now().toISOString(),
      },
    });
    expect(res.status).toBe(201);
    const error = await runComponent('module', 'cancelCall', connection, { callId: call.id }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MakeError);
    expect(error).toMatchObject({ type: 'DataError', statusCode: 409 });
    expect((error as MakeError).message).toMatch(/in_progress/);
  });
});

describe('the campaign RPC', () => {
  test('when an account has more campaigns than a page, then the dropdown pages through them and stops at 300', async () => {
    const { tenant: other, connection: otherConnection } = await connectedTenant(server, 'starter');
    for (let i = 0; i < 120; i += 1)
      await createCampaign(
        server.context.storage.db,
        server.clock,
        other.account.id,
        `Campaign ${String(i).padStart(3, '0')}`,
      );
    const all: Array<{ id: string; name: string }> = [];
    for (let cursor: string | null = ''; cursor !== null;) {
      const page: any = await api(
        server,
        'GET',
        `/v1/api/campaigns?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
        { apiKey: other.apiKey },
      );
      all.push(...page.body.data);
      cursor = page.body.nextCursor;
    }
    const result = await runComponent('rpc', 'listCampaigns', otherConnection);
    expect(result.requests).toHaveLength(2);
    expect(result.outputs).toStrictEqual(all.map((c) => ({ label: c.name, value: c.id })));
    expect(result.outputs).toHaveLength(121);

    for (let i = 120; i < 320; i += 1)
      await createCampaign(
        server.context.storage.db,
        server.clock,
        other.account.id,
        `Campaign ${String(i).padStart(3, '0')}`,
      );
    const capped = await runComponent('rpc', 'listCampaigns', otherConnection);
    expect(capped.requests).toHaveLength(3);
    expect(capped.outputs).toHaveLength(300);
  });
});
