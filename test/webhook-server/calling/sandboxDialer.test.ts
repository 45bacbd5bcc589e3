import { Webhook } from 'standardwebhooks';
import { SANDBOX_NUMBERS } from '../../../webhook-server/src/calling/sandboxScript';
import { validatorFor } from '../../../webhook-server/src/http/validation';
import { testEngines } from '../../support/engines';
import { Receiver } from '../../support/receiver';
import { api, createTenant, startTestServer, type Tenant, type TestServer } from '../../support/server';
import { waitFor } from '../../support/waitFor';

interface Delivered {
  triggerName: string;
  accountId: string;
  data: Record<string, unknown>;
}

describe.each(testEngines())('the sandbox dialer on %s', (engine) => {
  let server: TestServer;
  let receiver: Receiver;
  let tenant: Tenant;
  let secrets: Record<string, string>;

  beforeAll(async () => {
    receiver = await Receiver.start();
    server = await startTestServer(engine, { ATLAS_ALLOW_PRIVATE_HOOK_URLS: 'true' });
  });
  afterAll(async () => {
    await server.stop();
    await receiver.close();
  });

  async function subscribedTenant(planId: 'free' | 'starter' = 'starter'): Promise<Tenant> {
    const t = await createTenant(server, planId);
    secrets = {};
    for (const triggerName of ['call_started', 'call_completed', 'minutes_low']) {
      const res = await api(server, 'POST', '/v1/api/events-gateway/trigger/subscribe', {
        apiKey: t.apiKey,
        body: { hookUrl: `${receiver.url}/${t.account.id}/${triggerName}`, triggerName },
      });
      expect(res.status).toBe(201);
      secrets[triggerName] = res.body.secret;
    }
    return t;
  }
  beforeEach(async () => {
    tenant = await subscribedTenant();
  });

  /** What this tenant's hooks received, verified with each subscription's secret, in arrival order. */
  const received = (t: Tenant, triggerName: string): Delivered[] =>
    receiver.requests
      .filter((r) => r.path === `/${t.account.id}/${triggerName}`)
      .map((r) => {
        const [event] = new Webhook(secrets[triggerName]!).verify(r.body, {
          'webhook-id': String(r.headers['webhook-id']),
          'webhook-timestamp': String(r.headers['webhook-timestamp']),
          'webhook-signature': String(r.headers['webhook-signature']),
        }) as Delivered[];
        return event!;
      });
  const arrived = (t: Tenant, triggerName: string, count = 1) =>
    waitFor(`${count} ${triggerName} at the receiver`, async () => {
      const events = received(t, triggerName);
      return events.length >= count && events;
    });
  const start = async (t: Tenant, phoneNumber: string, parameters?: Record<string, string>) => {
    const res = await api(server, 'POST', '/v1/api/calls', {
      apiKey: t.apiKey,
      body: { campaignId: t.campaign.id, phoneNumber, customerName: 'Jordan Lee', parameters },
    });
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('queued');
    return res.body.id as string;
  };
  const callOf = async (t: Tenant, id: string) =>
    (await api(server, 'GET', `/v1/api/calls/${id}`, { apiKey: t.apiKey })).body;
  const statusBecomes = (t: Tenant, id: string, status: string) =>
    waitFor(`call ${id} to be ${status}`, async () => (await callOf(t, id)).status === status);
  const usedSeconds = async (t: Tenant) =>
    (await api(server, 'GET', '/v1/api/usage', { apiKey: t.apiKey })).body.usedSeconds;
  const ledgerRows = async (callId: string) =>
    (
      await server.context.storage.db
        .selectFrom('minute_ledger')
        .select('seconds')
        .where('reference', '=', callId)
        .execute()
    ).map((row) => row.seconds);
  const advanceSeconds = (seconds: number) => server.clock.advance(seconds * 1000);

  test('when a call is started, then it is dispatched, call_started and call_completed arrive signed, and it is debited once', async () => {
    const id = await start(tenant, '+14155550123', {
      appointment_time: 'Tuesday 10am',
      sandboxDurationSeconds: '120',
    });
    await statusBecomes(tenant, id, 'dispatched');
    advanceSeconds(1);
    const [started] = await arrived(tenant, 'call_started');
    expect(started).toMatchObject({
      triggerName: 'call_started',
      accountId: tenant.account.id,
      data: { callId: id, phoneNumber: '+14155550123', customerName: 'Jordan Lee' },
    });
    expect(validatorFor('events/call_started.json')(started)).toBe(true);
    expect((await callOf(tenant, id)).status).toBe('in_progress');

    advanceSeconds(120);
    const [completed] = await arrived(tenant, 'call_completed');
    expect(validatorFor('events/call_completed.json')(completed)).toBe(true);
    expect(completed!.data).toMatchObject({
      callId: id,
      status: 'completed',
      durationSeconds: 120,
      summary: expect.stringContaining('appointment time: Tuesday 10am'),
      transcript: expect.stringContaining('Agent: Hi Jordan Lee'),
      recordingUrl: `https://recordings.sandbox.atlas-connect.dev/${id}.mp3`,
    });
    const call = await callOf(tenant, id);
    expect(call).toMatchObject({
      status: 'completed',
      durationSeconds: 120,
      summary: completed!.data.summary,
    });
    expect(Date.parse(call.completedAt) - Date.parse(call.startedAt)).toBe(120_000);
    expect(await usedSeconds(tenant)).toBe(120);
    expect(await ledgerRows(id)).toStrictEqual([-120]);
  });

  test.each([
    ['no answer', SANDBOX_NUMBERS.noAnswer, 15, 'no_answer', null],
    ['busy', SANDBOX_NUMBERS.busy, 1, 'busy', null],
    [
      'failed',
      SANDBOX_NUMBERS.failed,
      1,
      'failed',
      `The sandbox dialer fails every call to ${SANDBOX_NUMBERS.failed} (a test number).`,
    ],
  ])(
    'when the %s test number is called, then call_completed says so, without call_started or a debit',
    async (_name, phoneNumber, ringSeconds, status, failureReason) => {
      const id = await start(tenant, phoneNumber);
      await statusBecomes(tenant, id, 'dispatched');
      advanceSeconds(ringSeconds);
      const [completed] = await arrived(tenant, 'call_completed');
      expect(completed!.data).toMatchObject({ callId: id, status, durationSeconds: 0, summary: null });
      expect(await callOf(tenant, id)).toMatchObject({ status, failureReason, durationSeconds: 0 });
      expect(received(tenant, 'call_started')).toStrictEqual([]);
      expect(await usedSeconds(tenant)).toBe(0);
    },
  );

  test('when the long-call number is called, then it talks for 45 minutes', async () => {
    const id = await start(tenant, SANDBOX_NUMBERS.longCall);
    await statusBecomes(tenant, id, 'dispatched');
    advanceSeconds(1);
    await arrived(tenant, 'call_started');
    advanceSeconds(45 * 60);
    const [completed] = await arrived(tenant, 'call_completed');
    expect(completed!.data).toMatchObject({ status: 'completed', durationSeconds: 2700 });
  });

  test('when a call would outlast the call time left, then it ends when that runs out and minutes_low fires', async () => {
    const free = await subscribedTenant('free');
    const id = await start(free, '+14155550123', { sandboxDurationSeconds: '5000' });
    await statusBecomes(free, id, 'dispatched');
    advanceSeconds(1);
    await arrived(free, 'call_started');
    advanceSeconds(3600);
    const [completed] = await arrived(free, 'call_completed');
    expect(completed!.data).toMatchObject({ status: 'completed', durationSeconds: 3600 });
    const [low] = await arrived(free, 'minutes_low');
    expect(low!.data).toMatchObject({ remainingMinutes: 0, thresholdMinutes: 6 });
    expect(await usedSeconds(free)).toBe(3600);
  });

  test('when a call is canceled before it connects, then it never starts and is never debited', async () => {
    const id = await start(tenant, '+14155550123');
    await statusBecomes(tenant, id, 'dispatched');
    const res = await api(server, 'POST', `/v1/api/calls/${id}/cancel`, { apiKey: tenant.apiKey });
    expect(res.body.status).toBe('canceled');
    advanceSeconds(200);
    const [completed] = await arrived(tenant, 'call_completed');
    expect(completed!.data).toMatchObject({ callId: id, status: 'canceled', durationSeconds: 0 });
    const steps = await server.context.storage.db
      .selectFrom('sandbox_call_steps')
      .select('call_id')
      .where('call_id', '=', id)
      .execute();
    expect(steps).toStrictEqual([]);
    expect(received(tenant, 'call_started')).toStrictEqual([]);
    expect(await usedSeconds(tenant)).toBe(0);
  });
});
