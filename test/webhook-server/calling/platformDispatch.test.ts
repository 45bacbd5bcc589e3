import { Webhook } from 'standardwebhooks';
import { listDeliveries, replayDelivery } from '../../../webhook-server/src/domain/hooks/deliveries';
import { validatorFor } from '../../../webhook-server/src/http/validation';
import { testEngines } from '../../support/engines';
import { Receiver, status, type ReceivedRequest } from '../../support/receiver';
import {
  api,
  createTenant,
  startTestServer,
  TEST_SERVICE_TOKEN,
  type Tenant,
  type TestServer,
} from '../../support/server';
import { waitFor } from '../../support/waitFor';

const PLATFORM_SECRET = `whsec_${Buffer.from('the platform signing secret, 32B').toString('base64')}`;

describe.each(testEngines())('dispatching calls to the platform on %s', (engine) => {
  let server: TestServer;
  let platform: Receiver;
  let tenant: Tenant;

  beforeAll(async () => {
    platform = await Receiver.start();
    server = await startTestServer(engine, {
      ATLAS_PLATFORM_URL: `${platform.url}/calls`,
      ATLAS_PLATFORM_SECRET: PLATFORM_SECRET,
      PUBLIC_BASE_URL: 'https://connect.atlas.example',
      DELIVERY_RETRY_SCHEDULE: '1s',
      DELIVERY_TIMEOUT: '500ms',
    });
  });
  beforeEach(async () => {
    tenant = await createTenant(server);
  });
  afterAll(async () => {
    await server.stop();
    await platform.close();
  });

  const db = () => server.context.storage.db;
  const start = async (key = `key-${Math.random()}`) => {
    const res = await api(server, 'POST', '/v1/api/calls', {
      apiKey: tenant.apiKey,
      body: {
        campaignId: tenant.campaign.id,
        phoneNumber: '+14155550123',
        customerName: 'Ada',
        parameters: { slot: '10am' },
      },
      headers: { 'idempotency-key': key },
    });
    expect(res.status).toBe(201);
    return { id: res.body.id as string, key };
  };
  /** Requests the platform received about this call, verified with the platform secret. */
  const requestsFor = (callId: string) =>
    platform.requests
      .map((r) => ({ request: r, body: verified(r) }))
      .filter(({ body }) => body.call?.id === callId || body.callId === callId);
  const verified = (r: ReceivedRequest) =>
    new Webhook(PLATFORM_SECRET).verify(r.body, {
      'webhook-id': String(r.headers['webhook-id']),
      'webhook-timestamp': String(r.headers['webhook-timestamp']),
      'webhook-signature': String(r.headers['webhook-signature']),
    }) as { type: string; call?: { id: string }; callId?: string; maxDurationSeconds?: number };
  const requestsArrive = (callId: string, count: number) =>
    waitFor(
      `${count} platform requests about ${callId}`,
      async () => requestsFor(callId).length >= count && requestsFor(callId),
    );
  const callOf = async (id: string) =>
    (await api(server, 'GET', `/v1/api/calls/${id}`, { apiKey: tenant.apiKey })).body;
  const statusBecomes = (id: string, wanted: string) =>
    waitFor(`call ${id} to be ${wanted}`, async () => (await callOf(id)).status === wanted);
  const dispatchOf = async (callId: string) =>
    (await listDeliveries(db(), null, {}, 100)).find(
      (d) => d.eventId === requestsFor(callId)[0]?.request.headers['webhook-id'],
    );
  const retryNow = () => {
    server.clock.advance(1500);
    server.deliveryWorker?.wake();
  };

  test('when a call is queued, then the platform receives it signed, with the remaining seconds and the Idempotency-Key, and it is dispatched', async () => {
    const { id, key } = await start();
    const [first] = await requestsArrive(id, 1);
    expect(first!.request.path).toBe('/calls');
    expect(first!.request.headers['idempotency-key']).toBe(key);
    expect(validatorFor('PlatformCallDispatch.json')(first!.body)).toBe(true);
    const usage = (await api(server, 'GET', '/v1/api/usage', { apiKey: tenant.apiKey })).body;
    expect(first!.body).toStrictEqual({
      type: 'call.dispatch',
      requestId: first!.request.headers['webhook-id'],
      idempotencyKey: key,
      accountId: tenant.account.id,
      call: {
        id,
        phoneNumber: '+14155550123',
        customerName: 'Ada',
        parameters: { slot: '10am' },
        createdAt: expect.any(String),
      },
      campaign: { id: tenant.campaign.id, name: tenant.campaign.name },
      maxDurationSeconds: usage.remainingSeconds,
      reportUrl: 'https://connect.atlas.example/v1/internal/call-events',
      createdAt: expect.any(String),
    });
    expect(usage.remainingSeconds).toBe(500 * 60);
    await statusBecomes(id, 'dispatched');

    const report = (body: object) =>
      api(server, 'POST', '/v1/internal/call-events', {
        token: TEST_SERVICE_TOKEN,
        body: {
          callId: id,
          campaignId: tenant.campaign.id,
          phoneNumber: '+14155550123',
          occurredAt: server.clock.now().toISOString(),
          ...body,
        },
      });
    expect((await report({ type: 'call_started' })).status).toBe(201);
    expect((await report({ type: 'call_completed', durationSeconds: 42 })).status).toBe(201);
    expect(await callOf(id)).toMatchObject({ status: 'completed', durationSeconds: 42 });
  });

  test('when the platform answers 500 and then 200, then the dispatch is retried and the call dispatched', async () => {
    platform.reply(status(500));
    const { id } = await start();
    await requestsArrive(id, 1);
    await waitFor(
      'the failed attempt to be recorded',
      async () => (await dispatchOf(id))?.attempts.length === 1,
    );
    expect((await callOf(id)).status).toBe('queued');
    retryNow();
    await requestsArrive(id, 2);
    await statusBecomes(id, 'dispatched');
    const dispatch = await dispatchOf(id);
    expect(dispatch?.attempts.map((a) => a.statusCode)).toStrictEqual([500, 200]);
    const [a, b] = requestsFor(id);
    expect(b!.request.headers['webhook-id']).toBe(a!.request.headers['webhook-id']);
  });

  test('when the dispatch dies, then the call fails with the reason and call_completed says failed; a replay revives it', async () => {
    platform.reply(status(500), status(503));
    const { id } = await start();
    await requestsArrive(id, 1);
    await waitFor(
      'the first attempt to be recorded',
      async () => (await dispatchOf(id))?.attempts.length === 1,
    );
    retryNow();
    await statusBecomes(id, 'failed');
    const call = await callOf(id);
    expect(call.failureReason).toBe(
      'The calling platform could not be reached (HTTP 503); the call was not placed.',
    );
    const completed = await db()
      .selectFrom('events')
      .select('payload')
      .where('account_id', '=', tenant.account.id)
      .where('trigger_name', '=', 'call_completed')
      .execute();
    expect(completed.map((e) => JSON.parse(e.payload).data)).toStrictEqual([
      expect.objectContaining({ callId: id, status: 'failed', durationSeconds: 0 }),
    ]);
    const dead = await dispatchOf(id);
    expect(dead?.status).toBe('dead');

    await replayDelivery(db(), server.clock, null, dead!.id);
    server.deliveryWorker?.wake();
    await requestsArrive(id, 3);
    await statusBecomes(id, 'dispatched');
    expect(await callOf(id)).toMatchObject({ failureReason: null, completedAt: null });
  });

  test('when the platform answers 410, then that dispatch is dead and its call failed, and other dispatches go on', async () => {
    platform.reply(status(500));
    const waiting = await start();
    await waitFor(
      'the first attempt to be recorded',
      async () => (await dispatchOf(waiting.id))?.attempts.length === 1,
    );
    platform.reply(status(410));
    const gone = await start();
    await statusBecomes(gone.id, 'failed');
    expect((await dispatchOf(gone.id))?.status).toBe('dead');
    expect((await dispatchOf(waiting.id))?.status).toBe('pending');
    retryNow();
    await statusBecomes(waiting.id, 'dispatched');
  });

  test('when a dispatched call is canceled, then the platform receives a signed cancel for it', async () => {
    const { id } = await start();
    await statusBecomes(id, 'dispatched');
    const res = await api(server, 'POST', `/v1/api/calls/${id}/cancel`, { apiKey: tenant.apiKey });
    expect(res.body.status).toBe('canceled');
    const requests = await requestsArrive(id, 2);
    expect(requests[1]!.body).toStrictEqual({
      type: 'call.cancel',
      requestId: requests[1]!.request.headers['webhook-id'],
      idempotencyKey: `cancel:${id}`,
      accountId: tenant.account.id,
      callId: id,
      canceledAt: expect.any(String),
    });
    expect(requests[1]!.request.headers['idempotency-key']).toBe(`cancel:${id}`);
    expect((await callOf(id)).status).toBe('canceled');
  });

  test("when a tenant reads its delivery log, then the platform's requests are not in it", async () => {
    const { id } = await start();
    await statusBecomes(id, 'dispatched');
    const res = await api(server, 'GET', '/v1/api/events-gateway/deliveries', { apiKey: tenant.apiKey });
    expect(res.body.data).toStrictEqual([]);
  });

  test('when two requests with one Idempotency-Key race, then one call is queued and dispatched once', async () => {
    const send = () =>
      api(server, 'POST', '/v1/api/calls', {
        apiKey: tenant.apiKey,
        body: { campaignId: tenant.campaign.id, phoneNumber: '+14155550123' },
        headers: { 'idempotency-key': 'race-1' },
      });
    const answers = await Promise.all([send(), send()]);
    const created = answers.find((a) => a.status === 201)!;
    expect(answers.map((a) => a.status).sort()).toEqual(
      answers[0]!.status === answers[1]!.status ? [201, 201] : [201, 409],
    );
    await statusBecomes(created.body.id, 'dispatched');
    const calls = await db()
      .selectFrom('calls')
      .select('id')
      .where('account_id', '=', tenant.account.id)
      .execute();
    expect(calls).toStrictEqual([{ id: created.body.id }]);
    expect(requestsFor(created.body.id)).toHaveLength(1);
  });
});

describe.each(testEngines())('canceling before the dispatch is sent on %s', (engine) => {
  test('when a call is canceled before its dispatch is attempted, then the dispatch is withdrawn and the platform hears nothing', async () => {
    const platform = await Receiver.start();
    const server = await startTestServer(engine, {
      ATLAS_PLATFORM_URL: `${platform.url}/calls`,
      ATLAS_PLATFORM_SECRET: PLATFORM_SECRET,
      // No worker: the dispatch stays queued until the cancel.
      DELIVERY_WORKER: 'false',
    });
    try {
      const tenant = await createTenant(server);
      const created = await api(server, 'POST', '/v1/api/calls', {
        apiKey: tenant.apiKey,
        body: { campaignId: tenant.campaign.id, phoneNumber: '+14155550123' },
      });
      const canceled = await api(server, 'POST', `/v1/api/calls/${created.body.id}/cancel`, {
        apiKey: tenant.apiKey,
      });
      expect(canceled.body.status).toBe('canceled');
      const deliveries = await server.context.storage.db
        .selectFrom('deliveries')
        .select(['status', 'call_id'])
        .where('account_id', '=', tenant.account.id)
        .execute();
      expect(deliveries).toStrictEqual([{ status: 'cancelled', call_id: created.body.id }]);
      expect(platform.requests).toStrictEqual([]);
    } finally {
      await server.stop();
      await platform.close();
    }
  });
});
