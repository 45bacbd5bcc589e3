import { SANDBOX_NUMBERS } from '../../../webhook-server/src/calling/sandboxScript';
import { validatorFor } from '../../../webhook-server/src/http/validation';
import { testEngines } from '../../support/engines';
import {
  api,
  createTenant,
  startTestServer,
  TEST_SERVICE_TOKEN,
  type Tenant,
  type TestServer,
} from '../../support/server';
import { waitFor } from '../../support/waitFor';

// Calls go to the sandbox dialer's number that rings for an hour: it moves them to dispatched at
// once and no further while these tests run, so only the reports and cancels below move them on.
const RINGING = SANDBOX_NUMBERS.ringsForAnHour;

describe.each(testEngines())('the call lifecycle on %s', (engine) => {
  let server: TestServer;
  let tenant: Tenant;
  let other: Tenant;

  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  beforeEach(async () => {
    tenant = await createTenant(server);
    other = await createTenant(server);
  });
  afterAll(() => server.stop());

  const start = async (t: Tenant, campaignId = t.campaign.id) => {
    const res = await api(server, 'POST', '/v1/api/calls', {
      apiKey: t.apiKey,
      body: { campaignId, phoneNumber: RINGING },
    });
    expect(res.status).toBe(201);
    return res.body as { id: string; createdAt: string };
  };
  const report = (t: Tenant, callId: string, body: Record<string, unknown>) =>
    api(server, 'POST', '/v1/internal/call-events', {
      token: TEST_SERVICE_TOKEN,
      body: {
        callId,
        campaignId: t.campaign.id,
        phoneNumber: RINGING,
        occurredAt: server.clock.now().toISOString(),
        ...body,
      },
    });
  const read = async (t: Tenant, callId: string) =>
    (await api(server, 'GET', `/v1/api/calls/${callId}`, { apiKey: t.apiKey })).body;
  const cancel = (t: Tenant, callId: string) =>
    api(server, 'POST', `/v1/api/calls/${callId}/cancel`, { apiKey: t.apiKey });
  const completedEvents = async (accountId: string) =>
    (
      await server.context.storage.db
        .selectFrom('events')
        .select('payload')
        .where('account_id', '=', accountId)
        .where('trigger_name', '=', 'call_completed')
        .orderBy('id')
        .execute()
    ).map((row) => JSON.parse(row.payload));
  const usedSeconds = async (t: Tenant) =>
    (await api(server, 'GET', '/v1/api/usage', { apiKey: t.apiKey })).body.usedSeconds;

  test('when the platform reports a queued call, then it keeps its id and GET shows the outcome', async () => {
    const call = await start(tenant);
    expect((await report(tenant, call.id, { type: 'call_started' })).status).toBe(201);
    expect((await read(tenant, call.id)).status).toBe('in_progress');
    const done = await report(tenant, call.id, {
      type: 'call_completed',
      durationSeconds: 184,
      summary: 'Booked a cleaning.',
      transcript: 'Agent: Hi…',
      recordingUrl: 'https://recordings.atlas.example/1.mp3',
    });
    expect(done.body).toStrictEqual({ callId: call.id, applied: true });
    const body = await read(tenant, call.id);
    expect(body).toMatchObject({
      id: call.id,
      status: 'completed',
      durationSeconds: 184,
      summary: 'Booked a cleaning.',
      transcript: 'Agent: Hi…',
      recordingUrl: 'https://recordings.atlas.example/1.mp3',
      failureReason: null,
    });
    expect(validatorFor('Call.json')(body)).toBe(true);
  });

  test('when a report would move a call back, then 409 and the call is unchanged', async () => {
    const call = await start(tenant);
    await report(tenant, call.id, { type: 'call_completed', status: 'no_answer', durationSeconds: 0 });
    const started = await report(tenant, call.id, { type: 'call_started' });
    expect(started.status).toBe(409);
    expect(started.body.message).toBe(`Call ${call.id} is no_answer; it cannot become in_progress.`);
    const otherEnd = await report(tenant, call.id, { type: 'call_completed', durationSeconds: 30 });
    expect(otherEnd.status).toBe(409);
    expect((await read(tenant, call.id)).status).toBe('no_answer');
    expect(await usedSeconds(tenant)).toBe(0);
  });

  test('when call_completed names a status that is not final, then 422 lists the final ones', async () => {
    const call = await start(tenant);
    const res = await report(tenant, call.id, { type: 'call_completed', status: 'in_progress' });
    expect(res.status).toBe(422);
    expect(res.body.details).toStrictEqual([
      { field: 'status', message: 'must be one of: completed, no_answer, busy, failed, canceled' },
    ]);
    expect(['queued', 'dispatched']).toContain((await read(tenant, call.id)).status);
  });

  test('when a waiting call is canceled, then it ends canceled, call_completed says so and nothing is debited', async () => {
    const call = await start(tenant);
    const res = await cancel(tenant, call.id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: call.id, status: 'canceled', durationSeconds: 0 });
    expect((await cancel(tenant, call.id)).status).toBe(200);
    const events = await completedEvents(tenant.account.id);
    expect(events.map((e) => [e.data.callId, e.data.status, e.data.durationSeconds])).toStrictEqual([
      [call.id, 'canceled', 0],
    ]);
    const late = await report(tenant, call.id, { type: 'call_completed', durationSeconds: 60 });
    expect(late.status).toBe(409);
    expect(await usedSeconds(tenant)).toBe(0);
  });

  test('when a call is already in progress, then cancel is refused with 409 naming its status', async () => {
    const call = await start(tenant);
    await report(tenant, call.id, { type: 'call_started' });
    const res = await cancel(tenant, call.id);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      statusCode: 409,
      message: `Call ${call.id} is in_progress; only a queued or dispatched call can be canceled.`,
      details: [{ field: 'status', message: 'is in_progress' }],
    });
    expect((await read(tenant, call.id)).status).toBe('in_progress');
  });

  test('when another account cancels a call, then 404 and the call is not canceled', async () => {
    const call = await start(tenant);
    expect((await cancel(other, call.id)).status).toBe(404);
    expect((await cancel(other, 'call_01JD7X2M6Q8K3V5T9W4Y1Z0NOP')).status).toBe(404);
    expect(['queued', 'dispatched']).toContain((await read(tenant, call.id)).status);
  });

  test('when calls are listed, then newest come first, page by page, only this account’s', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      ids.push((await start(tenant)).id);
      server.clock.advance(1000);
    }
    await start(other);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const res = await api(server, 'GET', `/v1/api/calls${query}`, { apiKey: tenant.apiKey });
      expect(res.status).toBe(200);
      expect(validatorFor('CallList.json')(res.body)).toBe(true);
      seen.push(...res.body.data.map((c: { id: string }) => c.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toStrictEqual([...ids].reverse());
  });

  test('when calls are filtered by status, campaign and creation time, then only matching calls come', async () => {
    const first = await start(tenant);
    server.clock.advance(1000);
    const since = server.clock.now().toISOString();
    server.clock.advance(1000);
    const second = await start(tenant);
    expect((await cancel(tenant, second.id)).status).toBe(200);
    const list = async (query: string) =>
      (await api(server, 'GET', `/v1/api/calls?${query}`, { apiKey: tenant.apiKey })).body.data.map(
        (c: { id: string }) => c.id,
      );
    expect(await list('status=canceled')).toStrictEqual([second.id]);
    await waitFor(
      'the dialer to dispatch the first call',
      async () => (await read(tenant, first.id)).status === 'dispatched',
    );
    expect(await list('status=dispatched')).toStrictEqual([first.id]);
    expect(await list(`createdAfter=${since}`)).toStrictEqual([second.id]);
    expect(await list(`campaignId=${tenant.campaign.id}`)).toStrictEqual([second.id, first.id]);
    expect(await list(`campaignId=${other.campaign.id}`)).toStrictEqual([]);
  });

  test.each([
    [
      'status=ringing',
      'status',
      'must be one of: queued, dispatched, in_progress, completed, no_answer, busy, failed, canceled',
    ],
    ['createdAfter=yesterday', 'createdAfter', 'must be an ISO 8601 date-time'],
    ['cursor=bm9wZQ', 'cursor', 'is not a cursor this API issued'],
    ['limit=0', 'limit', 'must be 1 to 100'],
    ['status=queued&status=busy', 'status', 'must be one value'],
  ])('when the list query has %s, then 400 says what to fix', async (query, field, message) => {
    const res = await api(server, 'GET', `/v1/api/calls?${query}`, { apiKey: tenant.apiKey });
    expect(res.status).toBe(400);
    expect(res.body.details).toStrictEqual([{ field, message }]);
  });
});
