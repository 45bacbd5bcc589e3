import { sql } from 'kysely';
import { changePlan } from '../../../webhook-server/src/domain/accounts';
import { reportCallEvent } from '../../../webhook-server/src/domain/calls';
import { applyLedgerEntry, getUsage, startBillingPeriod } from '../../../webhook-server/src/domain/usage';
import { api, createTenant, startTestServer, type Tenant, type TestServer } from '../../support/server';
import { testEngines } from '../../support/engines';
import { waitFor } from '../../support/waitFor';

const GATEWAY = '/v1/api/events-gateway';

describe.each(testEngines())('minutes_low on %s', (engine) => {
  let server: TestServer;
  let tenant: Tenant;
  let calls = 0;

  beforeAll(async () => {
    server = await startTestServer(engine, { DELIVERY_WORKER: 'false' });
  });
  beforeEach(async () => {
    tenant = await createTenant(server, 'starter'); // 500 included minutes
  });
  afterAll(() => server.stop());

  const db = () => server.context.storage.db;

  async function subscribeLow(path: string, thresholdMinutes?: number): Promise<string> {
    const res = await api(server, 'POST', `${GATEWAY}/trigger/subscribe`, {
      apiKey: tenant.apiKey,
      body: { hookUrl: `https://93.184.215.14/${path}`, triggerName: 'minutes_low', thresholdMinutes },
    });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  async function spend(minutes: number): Promise<void> {
    calls += 1;
    await reportCallEvent(db(), server.clock, {
      type: 'call_completed',
      callId: `call_low_${calls}_${Date.now()}`,
      campaignId: tenant.campaign.id,
      phoneNumber: '+14155550123',
      durationSeconds: minutes * 60,
      occurredAt: server.clock.now().toISOString(),
    });
  }

  /** minutes_low payloads delivered to a subscription, oldest first. */
  async function lowEventsFor(
    subscriptionId: string,
  ): Promise<Array<{ remainingMinutes: number; thresholdMinutes: number }>> {
    const rows = await db()
      .selectFrom('deliveries as d')
      .innerJoin('events as e', 'e.id', 'd.event_id')
      .select('e.payload')
      .where('d.subscription_id', '=', subscriptionId)
      .where('e.trigger_name', '=', 'minutes_low')
      .orderBy('d.id')
      .execute();
    return rows.map(
      (row) =>
        (JSON.parse(row.payload) as { data: { remainingMinutes: number; thresholdMinutes: number } }).data,
    );
  }

  test('when remaining minutes cross a threshold, then only that subscription gets minutes_low, once per crossing', async () => {
    const defaultLow = await subscribeLow('default'); // 10% of 500 = 50
    const high = await subscribeLow('high', 200);

    await spend(350); // 150 left: below 200, above 50
    expect(await lowEventsFor(high)).toEqual([
      expect.objectContaining({ remainingMinutes: 150, thresholdMinutes: 200 }),
    ]);
    expect(await lowEventsFor(defaultLow)).toEqual([]);

    await spend(10); // 140 left: still below 200, no repeat
    expect(await lowEventsFor(high)).toHaveLength(1);

    await spend(100); // 40 left: below 50
    expect(await lowEventsFor(defaultLow)).toEqual([
      expect.objectContaining({ remainingMinutes: 40, thresholdMinutes: 50 }),
    ]);
    expect(await lowEventsFor(high)).toHaveLength(1);
  });

  test('when a purchase lifts remaining minutes back over the threshold, then the next crossing fires again', async () => {
    const low = await subscribeLow('rearm', 100);
    await spend(450); // 50 left
    expect(await lowEventsFor(low)).toHaveLength(1);
    await applyLedgerEntry(db(), server.clock, {
      accountId: tenant.account.id,
      kind: 'purchase',
      seconds: 1000 * 60,
      reference: `pur_test_${Date.now()}`,
    }); // 1050 left: re-armed, nothing sent
    expect(await lowEventsFor(low)).toHaveLength(1);
    await spend(1000); // 50 left again
    expect(await lowEventsFor(low)).toEqual([
      expect.objectContaining({ remainingMinutes: 50 }),
      expect.objectContaining({ remainingMinutes: 50 }),
    ]);
  });

  test('when a plan change or a new period restores minutes, then the subscription is re-armed', async () => {
    const low = await subscribeLow('periods'); // default: 10% of the plan
    await spend(480); // 20 left of 500
    expect(await lowEventsFor(low)).toHaveLength(1);

    await changePlan(db(), server.clock, tenant.account.id, 'pro'); // 2000 included, 1520 left, threshold 200
    await spend(1400); // 120 left: below 200
    expect(await lowEventsFor(low)).toEqual([
      expect.objectContaining({ thresholdMinutes: 50 }),
      expect.objectContaining({ remainingMinutes: 120, thresholdMinutes: 200 }),
    ]);

    server.clock.advance(32 * 24 * 3600 * 1000);
    const usage = await getUsage(db(), tenant.account.id, 'pro', server.clock); // new period: 2000 left
    expect(usage.remainingMinutes).toBe(2000);
    await spend(1900); // 100 left
    expect(await lowEventsFor(low)).toHaveLength(3);
  });

  test('when the payment provider starts a new billing period, then used time resets and the subscription is re-armed', async () => {
    const low = await subscribeLow('invoice', 100);
    await spend(450); // 50 left
    expect(await lowEventsFor(low)).toHaveLength(1);
    const start = new Date(server.clock.now().getTime() + 60_000);
    server.clock.set(start);
    const result = await startBillingPeriod(
      db(),
      server.clock,
      tenant.account.id,
      start,
      new Date(start.getTime() + 30 * 86_400_000),
    );
    expect(result.started).toBe(true);
    await spend(450); // 50 left of the new period's 500
    expect(await lowEventsFor(low)).toEqual([
      expect.objectContaining({ remainingMinutes: 50 }),
      expect.objectContaining({ remainingMinutes: 50 }),
    ]);
  });

  test('when a subscription starts below its threshold, then it waits for the next crossing', async () => {
    await spend(480);
    const late = await subscribeLow('late');
    await spend(5);
    expect(await lowEventsFor(late)).toEqual([]);
  });

  // PostgreSQL only: SQLite has one writer, so nothing subscribes while a debit waits.
  if (engine === 'postgres')
    test('when a hook subscribes while a debit waits for the usage row, then that debit’s crossing fires for it', async () => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      // Another transaction (a purchase, say) holds the account's period row.
      const holder = db()
        .transaction()
        .execute(async (trx) => {
          await sql`SELECT 1 FROM usage_periods WHERE account_id = ${tenant.account.id} FOR UPDATE`.execute(
            trx,
          );
          locked();
          await held;
        });
      await isLocked;
      const debit = spend(450); // 50 of 500 left once applied
      await waitFor('the debit to wait for the period row', async () => {
        const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE wait_event_type = 'Lock' AND query LIKE '%usage_periods%'`.execute(db());
        return rows[0]!.n > 0;
      });
      const late = await subscribeLow('while-waiting', 100); // armed: 500 left when it subscribes
      release();
      await holder;
      await debit;
      expect(await lowEventsFor(late)).toEqual([
        expect.objectContaining({ remainingMinutes: 50, thresholdMinutes: 100 }),
      ]);
    });
});
