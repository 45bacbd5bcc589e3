import { Webhook } from 'standardwebhooks';
import { updateAccount } from '../../../webhook-server/src/domain/accounts';
import { reportCallEvent } from '../../../webhook-server/src/domain/calls';
import { createCampaign } from '../../../webhook-server/src/domain/campaigns';
import { api, createTenant, startTestServer, type Tenant, type TestServer } from '../../support/server';
import { testEngines } from '../../support/engines';
import { Receiver, status, type Reply } from '../../support/receiver';
import { waitFor } from '../../support/waitFor';

const RETRY_SCHEDULE = '1s,2s';

describe.each(testEngines())('delivery on %s', (engine) => {
  let server: TestServer;
  let receiver: Receiver;
  let tenant: Tenant;

  beforeAll(async () => {
    server = await startTestServer(engine, {
      ATLAS_ALLOW_PRIVATE_HOOK_URLS: 'true',
      DELIVERY_RETRY_SCHEDULE: RETRY_SCHEDULE,
      DELIVERY_TIMEOUT: '300ms',
    });
  });
  beforeEach(async () => {
    receiver = await Receiver.start();
    tenant = await createTenant(server);
  });
  afterEach(() => receiver.close());
  afterAll(() => server.stop());

  async function subscribeHook(path = '/hook'): Promise<{ id: string; secret: string }> {
    const res = await api(server, 'POST', '/v1/api/events-gateway/trigger/subscribe', {
      apiKey: tenant.apiKey,
      body: { hookUrl: receiver.url + path, triggerName: 'account_updated' },
    });
    expect(res.status).toBe(201);
    return res.body;
  }

  /** account_updated, campaignId null: reaches every account_updated subscription of the account. */
  async function emitEvent(name = 'Renamed'): Promise<void> {
    await updateAccount(server.context.storage.db, server.clock, tenant.account.id, {
      companyName: `${name} ${Date.now()} ${Math.random()}`,
    });
  }

  async function deliveriesOf(subscriptionId: string) {
    const res = await api(
      server,
      'GET',
      `/v1/api/events-gateway/deliveries?subscriptionId=${subscriptionId}`,
      {
        apiKey: tenant.apiKey,
      },
    );
    expect(res.status).toBe(200);
    return res.body.data as Array<{
      id: string;
      status: string;
      attempts: unknown[];
      nextAttemptAt: string | null;
    }>;
  }

  const deliveryIn = (
    subscriptionId: string,
    wanted: (d: { status: string; attempts: unknown[] }) => boolean,
  ) =>
    waitFor(`a delivery of ${subscriptionId} in the expected state`, async () =>
      (await deliveriesOf(subscriptionId)).find(wanted),
    );

  /** Moves the test clock past a retry and wakes the worker, instead of waiting in real time. */
  function advanceAndWake(ms: number): void {
    server.clock.advance(ms);
    server.deliveryWorker?.wake();
  }

  test('when an event is recorded, then the hook receives [event] with a signature standardwebhooks verifies', async () => {
    const subscription = await subscribeHook();
    expect(subscription.secret).toMatch(/^whsec_/);
    await emitEvent();
    await receiver.received(1);
    const [request] = receiver.requests;
    const verified = new Webhook(subscription.secret).verify(request!.body, {
      'webhook-id': String(request!.headers['webhook-id']),
      'webhook-timestamp': String(request!.headers['webhook-timestamp']),
      'webhook-signature': String(request!.headers['webhook-signature']),
    }) as Array<{ id: string; triggerName: string; accountId: string }>;
    expect(verified).toHaveLength(1);
    expect(verified[0]).toMatchObject({ triggerName: 'account_updated', accountId: tenant.account.id });
    expect(request!.headers['webhook-id']).toBe(verified[0]!.id);
    expect(() =>
      new Webhook(`whsec_${Buffer.from('another secret of 24 by').toString('base64')}`).verify(
        request!.body,
        {
          'webhook-id': String(request!.headers['webhook-id']),
          'webhook-timestamp': String(request!.headers['webhook-timestamp']),
          'webhook-signature': String(request!.headers['webhook-signature']),
        },
      ),
    ).toThrow();
    const delivery = await deliveryIn(subscription.id, (d) => d.status === 'delivered');
    expect(delivery.attempts).toEqual([
      expect.objectContaining({ statusCode: 200, outcome: 'delivered', error: null }),
    ]);
  });

  test('when the receiver answers 500 then 200, then the delivery succeeds on the retry', async () => {
    receiver.reply(status(500));
    const subscription = await subscribeHook();
    await emitEvent();
    await receiver.received(1);
    const waiting = await deliveryIn(
      subscription.id,
      (d) => d.status === 'pending' && d.attempts.length === 1,
    );
    expect(waiting.attempts[0]).toMatchObject({ statusCode: 500, outcome: 'retry', error: 'HTTP 500' });
    advanceAndWake(1500);
    await receiver.received(2);
    const delivered = await deliveryIn(subscription.id, (d) => d.status === 'delivered');
    expect(delivered.attempts).toHaveLength(2);
    expect(receiver.requests[0]!.body).toBe(receiver.requests[1]!.body);
    expect(receiver.requests[0]!.headers['webhook-id']).toBe(receiver.requests[1]!.headers['webhook-id']);
  });

  test('when the receiver answers 410 Gone, then the subscription is removed', async () => {
    receiver.reply(status(410));
    const subscription = await subscribeHook();
    await emitEvent();
    await receiver.received(1);
    await deliveryIn(subscription.id, (d) => d.status === 'cancelled');
    const list = await api(server, 'GET', '/v1/api/events-gateway/trigger/subscriptions', {
      apiKey: tenant.apiKey,
    });
    expect(list.body.data).toEqual([]);
    await emitEvent();
    advanceAndWake(60_000);
    expect(await deliveriesOf(subscription.id)).toHaveLength(1);
  });

  test('when the receiver answers 429 with Retry-After, then the next attempt waits that long, not the schedule', async () => {
    receiver.reply(status(429, { 'retry-after': '30' }));
    const subscription = await subscribeHook();
    await emitEvent();
    const waiting = await deliveryIn(subscription.id, (d) => d.attempts.length === 1);
    const wait = Date.parse(waiting.nextAttemptAt!) - server.clock.now().getTime();
    expect(wait).toBeGreaterThan(29_000);
    expect(wait).toBeLessThanOrEqual(30_000);
    advanceAndWake(31_000);
    await receiver.received(2);
    await deliveryIn(subscription.id, (d) => d.status === 'delivered');
  });

  test('when the receiver does not answer in time, then the attempt times out and is retried', async () => {
    const hang: Reply = () => undefined;
    receiver.reply(hang);
    const subscription = await subscribeHook();
    await emitEvent();
    const waiting = await deliveryIn(subscription.id, (d) => d.attempts.length === 1);
    expect(waiting.attempts[0]).toMatchObject({
      statusCode: null,
      outcome: 'retry',
      error: 'timed out after 300 ms',
    });
    advanceAndWake(2000);
    await deliveryIn(subscription.id, (d) => d.status === 'delivered');
  });

  test('when every retry fails, then the delivery is dead, and a replay delivers it', async () => {
    receiver.setFallback(status(500));
    const subscription = await subscribeHook();
    await emitEvent();
    await deliveryIn(subscription.id, (d) => d.attempts.length === 1);
    advanceAndWake(1500);
    await deliveryIn(subscription.id, (d) => d.attempts.length === 2);
    advanceAndWake(3000);
    const dead = await deliveryIn(subscription.id, (d) => d.status === 'dead');
    expect(dead.attempts).toHaveLength(3);
    expect(dead.nextAttemptAt).toBeNull();

    receiver.setFallback(status(200));
    const replay = await api(server, 'POST', `/v1/api/events-gateway/deliveries/${dead.id}/replay`, {
      apiKey: tenant.apiKey,
    });
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ id: dead.id, status: 'pending', attemptCount: 0 });
    const delivered = await deliveryIn(subscription.id, (d) => d.status === 'delivered');
    expect(delivered.attempts).toHaveLength(4);
  });

  test('when events are recorded for a campaign, then only hooks of that campaign or "*" get them', async () => {
    const mine = await api(server, 'POST', '/v1/api/events-gateway/trigger/subscribe', {
      apiKey: tenant.apiKey,
      body: {
        hookUrl: `${receiver.url}/campaign`,
        triggerName: 'call_started',
        campaignId: tenant.campaign.id,
      },
    });
    const all = await api(server, 'POST', '/v1/api/events-gateway/trigger/subscribe', {
      apiKey: tenant.apiKey,
      body: { hookUrl: `${receiver.url}/all`, triggerName: 'call_started' },
    });
    const other = await createTenant(server);
    const second = await createCampaign(server.context.storage.db, server.clock, tenant.account.id, 'Second');
    for (const campaignId of [tenant.campaign.id, second.id, other.campaign.id]) {
      await reportCallEvent(server.context.storage.db, server.clock, {
        type: 'call_started',
        callId: `call_${campaignId}`,
        campaignId,
        phoneNumber: '+14155550123',
        occurredAt: server.clock.now().toISOString(),
      });
    }
    await receiver.received(3);
    await waitFor(
      'deliveries recorded',
      async () => (await deliveriesOf(all.body.id))[1]?.status === 'delivered',
    );
    expect(receiver.requests.map((r) => r.path).sort()).toEqual(['/all', '/all', '/campaign']);
    expect(await deliveriesOf(mine.body.id)).toHaveLength(1);
  });
});
