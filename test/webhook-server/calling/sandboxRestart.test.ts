import { createServer } from 'node:net';
import type { Engine } from '../../../webhook-server/src/db/database';
import { createAccount } from '../../../webhook-server/src/domain/accounts';
import { issueApiKey } from '../../../webhook-server/src/domain/apiKeys';
import { createCampaign } from '../../../webhook-server/src/domain/campaigns';
import { systemClock } from '../../../webhook-server/src/domain/clock';
import { subscribe } from '../../../webhook-server/src/domain/hooks/subscriptions';
import { spawnCli, type CliProcess } from '../../support/child';
import { freshStorage, testEngines, type TestStorage } from '../../support/engines';
import { Receiver } from '../../support/receiver';
import { api } from '../../support/server';
import { waitFor } from '../../support/waitFor';

jest.setTimeout(60_000);

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** The child's DATABASE_URL: the test's SQLite file, or its PostgreSQL schema via search_path. */
function childDatabaseUrl(engine: Engine, db: TestStorage): string {
  return engine === 'postgres'
    ? `${db.databaseUrl}?options=${encodeURIComponent(`-c search_path=${db.schema}`)}`
    : db.databaseUrl;
}

describe.each(testEngines())('a sandbox call across a server crash on %s', (engine) => {
  let db: TestStorage;
  let receiver: Receiver;

  beforeEach(async () => {
    db = await freshStorage(engine);
    receiver = await Receiver.start();
  });
  afterEach(async () => {
    await receiver.close();
    await db.destroy();
  });

  test('when the server is SIGKILLed mid-call and restarted, then the call completes once and is debited once', async () => {
    const { storage } = db;
    const account = await createAccount(storage.db, systemClock, {
      companyName: 'Crash Test',
      adminName: 'Admin',
      adminEmail: `crash.${Date.now()}.${Math.random()}@example.com`,
      password: 'password-long-enough',
      planId: 'starter',
    });
    const { apiKey } = await issueApiKey(storage.db, systemClock, account.id);
    const campaign = await createCampaign(storage.db, systemClock, account.id, 'Reminders');
    for (const triggerName of ['call_started', 'call_completed'] as const)
      await subscribe(storage.db, systemClock, account.id, {
        hookUrl: `${receiver.url}/${triggerName}`,
        triggerName,
      });
    const port = await freePort();
    const env = {
      DATABASE_URL: childDatabaseUrl(engine, db),
      PORT: String(port),
      HOST: '127.0.0.1',
      ATLAS_ALLOW_PRIVATE_HOOK_URLS: 'true',
      // A SIGKILLed server's SQLite delivery lock goes stale after this; its restart takes over then.
      DELIVERY_LOCK_TIMEOUT: '600ms',
    };
    const server = { url: `http://127.0.0.1:${port}` };
    const hooked = (path: string) => receiver.requests.filter((r) => r.path === path);

    const first: CliProcess = spawnCli(['serve'], env);
    await first.logged('atlas-connect listening');
    const created = await api(server, 'POST', '/v1/api/calls', {
      apiKey,
      body: {
        campaignId: campaign.id,
        phoneNumber: '+14155550123',
        parameters: { sandboxDurationSeconds: '4' },
      },
    });
    expect(created.status).toBe(201);
    await waitFor('call_started at the receiver', async () => hooked('/call_started').length > 0, 15_000);
    first.process.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(hooked('/call_completed')).toStrictEqual([]);

    const second = spawnCli(['serve'], env);
    await waitFor('call_completed at the receiver', async () => hooked('/call_completed').length > 0, 30_000);
    const call = await waitFor('the call to be completed', async () => {
      const row = await storage.db
        .selectFrom('calls')
        .selectAll()
        .where('id', '=', created.body.id)
        .executeTakeFirst();
      return row?.status === 'completed' && row;
    });
    second.process.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });

    expect(call.duration_seconds).toBe(4);
    const completedIds = new Set(hooked('/call_completed').map((r) => r.headers['webhook-id']));
    expect(completedIds.size).toBe(1);
    const events = await storage.db
      .selectFrom('events')
      .select('trigger_name')
      .where('account_id', '=', account.id)
      .orderBy('id')
      .execute();
    expect(events.map((e) => e.trigger_name)).toStrictEqual(['call_started', 'call_completed']);
    const ledger = await storage.db
      .selectFrom('minute_ledger')
      .select('seconds')
      .where('reference', '=', created.body.id)
      .execute();
    expect(ledger).toStrictEqual([{ seconds: -4 }]);
  });
});
