import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ServerResponse } from 'node:http';
import { openStorage, type Storage } from '../../../webhook-server/src/db/storage';
import { migrate } from '../../../webhook-server/src/db/migrate';
import { createAccount } from '../../../webhook-server/src/domain/accounts';
import { systemClock } from '../../../webhook-server/src/domain/clock';
import { subscribe } from '../../../webhook-server/src/domain/hooks/subscriptions';
import { spawnCli, type CliProcess } from '../../support/child';
import { recordEvents } from '../../support/events';
import { freshStorage, type TestStorage } from '../../support/engines';
import { Receiver } from '../../support/receiver';
import { waitFor } from '../../support/waitFor';

jest.setTimeout(60_000);

const CHILD_ENV = {
  ATLAS_ALLOW_PRIVATE_HOOK_URLS: 'true',
  PORT: '0',
  HOST: '127.0.0.1',
  // A SIGKILLed worker's SQLite lock goes stale after this; its restart takes over then.
  DELIVERY_LOCK_TIMEOUT: '600ms',
};

/** An account subscribed to account_updated at the receiver, and `count` events already recorded. */
async function prepare(
  storage: Storage,
  receiver: Receiver,
  count: number,
): Promise<{ eventIds: string[]; accountId: string }> {
  const account = await createAccount(storage.db, systemClock, {
    companyName: 'Crash Test',
    adminName: 'Admin',
    adminEmail: `crash.${Date.now()}.${Math.random()}@example.com`,
    password: 'password-long-enough',
    planId: 'starter',
  });
  await subscribe(storage.db, systemClock, account.id, {
    hookUrl: `${receiver.url}/hook`,
    triggerName: 'account_updated',
  });
  return { eventIds: await recordEvents(storage, account.id, count), accountId: account.id };
}

const receivedIds = (receiver: Receiver) => receiver.requests.map((r) => String(r.headers['webhook-id']));

async function allDelivered(storage: Storage): Promise<boolean> {
  const open = await storage.db
    .selectFrom('deliveries')
    .select('id')
    .where('status', '!=', 'delivered')
    .execute();
  return open.length === 0;
}

async function terminate(child: CliProcess): Promise<void> {
  child.process.kill('SIGTERM');
  expect(await child.exited).toEqual({ code: 0, signal: null });
}

describe('delivery across process crashes on sqlite', () => {
  let dir: string;
  let storage: Storage;
  let receiver: Receiver;
  let env: Record<string, string>;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'atlas-delivery-'));
    env = { ...CHILD_ENV, DATABASE_URL: `sqlite:${path.join(dir, 'atlas.sqlite')}` };
    storage = openStorage(env.DATABASE_URL!);
    await migrate(storage);
    receiver = await Receiver.start();
  });
  afterEach(async () => {
    await receiver.close();
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('when the server is SIGKILLed mid-delivery and restarted, then every event reaches the hook', async () => {
    receiver.setFallback((res) => setTimeout(() => res.writeHead(200).end(), 10));
    const { eventIds } = await prepare(storage, receiver, 300);

    const first = spawnCli(['serve'], env);
    await receiver.received(100, 30_000);
    first.process.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const atKill = receiver.requests.length;
    expect(atKill).toBeLessThan(300);

    const second = spawnCli(['serve'], env);
    await waitFor('every event to arrive', async () => new Set(receivedIds(receiver)).size === 300, 30_000);
    await waitFor('every delivery to be recorded', () => allDelivered(storage), 10_000);
    await terminate(second);
    expect(new Set(receivedIds(receiver))).toEqual(new Set(eventIds));
  });

  test('when `worker` starts beside a `serve` that runs its worker on the same database, then it exits 1 saying to run only one', async () => {
    const server = spawnCli(['serve'], env);
    await server.logged('atlas-connect listening');
    const worker = spawnCli(['worker'], env);
    expect(await worker.exited).toEqual({ code: 1, signal: null });
    expect(worker.stderr()).toContain(
      'another delivery worker is running on this SQLite database; run only one, or use PostgreSQL',
    );
    await terminate(server);
  });

  test('when the server gets SIGTERM during an attempt, then it finishes and records the attempt before exiting', async () => {
    let held: ServerResponse | undefined;
    receiver.reply((res) => (held = res));
    const child = spawnCli(['serve'], env);
    await child.logged('atlas-connect listening');
    await prepare(storage, receiver, 1);
    await receiver.received(1, 15_000);
    child.process.kill('SIGTERM');
    const exitedEarly = await Promise.race([
      child.exited.then(() => true),
      new Promise((resolve) => setTimeout(() => resolve(false), 300)),
    ]);
    expect(exitedEarly).toBe(false);
    held!.writeHead(200).end();
    expect(await child.exited).toEqual({ code: 0, signal: null });
    const attempts = await storage.db.selectFrom('delivery_attempts').selectAll().execute();
    expect(attempts).toEqual([expect.objectContaining({ status_code: 200, outcome: 'delivered' })]);
    expect(await allDelivered(storage)).toBe(true);
  });
});

const postgresUrl = process.env.TEST_DATABASE_URL;
(postgresUrl ? describe : describe.skip)('two delivery workers on postgres', () => {
  let db: TestStorage;
  let receiver: Receiver;

  beforeEach(async () => {
    db = await freshStorage('postgres');
    receiver = await Receiver.start();
  });
  afterEach(async () => {
    await receiver.close();
    await db.destroy();
  });

  test('when two worker processes share the queue, then each delivery is attempted exactly once', async () => {
    receiver.setFallback((res) => setTimeout(() => res.writeHead(200).end(), 5));
    const { accountId } = await prepare(db.storage, receiver, 0);
    const url = `${postgresUrl}?options=${encodeURIComponent(`-c search_path=${db.schema}`)}`;
    const env = { ...CHILD_ENV, DATABASE_URL: url, DELIVERY_CONCURRENCY: '4' };
    const workers = [spawnCli(['worker'], env), spawnCli(['worker'], env)];
    await Promise.all(workers.map((w) => w.logged('delivery worker started')));

    const eventIds = await recordEvents(db.storage, accountId, 200);
    await waitFor('every delivery to be recorded', () => allDelivered(db.storage), 30_000);
    await Promise.all(workers.map(terminate));

    expect(receivedIds(receiver).sort()).toEqual([...eventIds].sort());
    const attempts = await db.storage.db.selectFrom('delivery_attempts').select('delivery_id').execute();
    expect(attempts).toHaveLength(200);
    expect(new Set(attempts.map((a) => a.delivery_id)).size).toBe(200);
  });
});
