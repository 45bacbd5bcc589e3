import { recordEvents } from '../../support/events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../../webhook-server/src/config';
import { openStorage, type Storage } from '../../../webhook-server/src/db/storage';
import { migrate } from '../../../webhook-server/src/db/migrate';
import { loadDeliveryConfig } from '../../../webhook-server/src/delivery/config';
import { DeliveryWorker } from '../../../webhook-server/src/delivery/worker';
import { WORKER_LOCK_HELD_MESSAGE } from '../../../webhook-server/src/delivery/workerLock';
import { createAccount } from '../../../webhook-server/src/domain/accounts';
import { systemClock } from '../../../webhook-server/src/domain/clock';
import { subscribe } from '../../../webhook-server/src/domain/hooks/subscriptions';
import { startServer } from '../../../webhook-server/src/server';
import { Receiver } from '../../support/receiver';
import { waitFor } from '../../support/waitFor';

const logger = pino({ level: 'silent' });

describe('the delivery worker lock on sqlite', () => {
  let dir: string;
  let databaseUrl: string;
  let receiver: Receiver;
  let accountId: string;
  const storages: Storage[] = [];
  const workers: DeliveryWorker[] = [];

  /** Another connection to the same file, as another process would have. */
  async function connect(): Promise<Storage> {
    const storage = openStorage(databaseUrl);
    storages.push(storage);
    await migrate(storage);
    return storage;
  }

  function worker(
    storage: Storage,
    options: { lockTimeout?: string; waitForLock?: boolean; onLockLost?: () => void } = {},
  ): DeliveryWorker {
    const config = loadDeliveryConfig(
      { ATLAS_ALLOW_PRIVATE_HOOK_URLS: 'true', DELIVERY_LOCK_TIMEOUT: options.lockTimeout ?? '300ms' },
      [],
    );
    const created = new DeliveryWorker({
      storage,
      clock: systemClock,
      logger,
      config,
      pollIntervalMs: 20,
      waitForLock: options.waitForLock,
      onLockLost: options.onLockLost,
    });
    workers.push(created);
    return created;
  }

  const receivedIds = () => new Set(receiver.requests.map((r) => String(r.headers['webhook-id'])));

  async function allDelivered(storage: Storage): Promise<boolean> {
    const open = await storage.db
      .selectFrom('deliveries')
      .select('id')
      .where('status', '!=', 'delivered')
      .execute();
    return open.length === 0;
  }

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'atlas-lock-'));
    databaseUrl = `sqlite:${path.join(dir, 'atlas.sqlite')}`;
    receiver = await Receiver.start();
    const storage = await connect();
    const account = await createAccount(storage.db, systemClock, {
      companyName: 'Lock Test',
      adminName: 'Admin',
      adminEmail: `lock.${Date.now()}.${Math.random()}@example.com`,
      password: 'password-long-enough',
      planId: 'starter',
    });
    accountId = account.id;
    await subscribe(storage.db, systemClock, accountId, {
      hookUrl: `${receiver.url}/hook`,
      triggerName: 'account_updated',
    });
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    await receiver.close();
    await Promise.all(storages.splice(0).map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  test('when a second worker starts on the same database, then it refuses with a clear message and the first delivers everything', async () => {
    const first = worker(await connect());
    await first.start();
    const second = worker(await connect());
    await expect(second.start()).rejects.toThrow(WORKER_LOCK_HELD_MESSAGE);
    workers.pop();

    const storage = storages[0]!;
    const eventIds = await recordEvents(storage, accountId, 20);
    first.wake();
    await waitFor('every delivery to be recorded', () => allDelivered(storage));
    expect(receiver.requests).toHaveLength(20);
    expect(receivedIds()).toEqual(new Set(eventIds));
  });

  test('when the holder stops cleanly, then a new worker takes the lock at once', async () => {
    const first = worker(await connect(), { lockTimeout: '1h' });
    await first.start();
    await first.stop();
    const second = worker(await connect(), { lockTimeout: '1h' });
    await second.start();
    expect(second.active).toBe(true);
  });

  test('when the holder dies without releasing, then a waiting worker takes over after the stale threshold and resends what was in flight', async () => {
    const storage = storages[0]!;
    // The "dead" worker: it claimed 5 deliveries (its attempts never answered) and its heartbeat stopped.
    const eventIds = await recordEvents(storage, accountId, 5);
    const heartbeatAt = new Date().toISOString();
    await storage.db
      .insertInto('delivery_worker_lock')
      .values({ id: 1, owner: 'dead-worker', heartbeat_at: heartbeatAt })
      .execute();
    await storage.db
      .updateTable('deliveries')
      .set({ locked_by: 'dead-worker', locked_until: new Date(Date.now() + 3_600_000).toISOString() })
      .execute();

    const standby = worker(await connect(), { lockTimeout: '300ms', waitForLock: true });
    await standby.start();
    expect(standby.active).toBe(false);
    await waitFor('the standby to take the lock over', async () => standby.active, 5_000);
    expect(Date.now() - Date.parse(heartbeatAt)).toBeGreaterThanOrEqual(300);

    await waitFor('every delivery to be recorded', () => allDelivered(storage));
    expect(receivedIds()).toEqual(new Set(eventIds));
    const lock = await storage.db.selectFrom('delivery_worker_lock').selectAll().executeTakeFirstOrThrow();
    expect(lock.owner).toBe(standby.id);
  });

  test('when another worker takes the lock over, then the former holder notices at its next heartbeat and stops claiming', async () => {
    let lost!: () => void;
    const lockLost = new Promise<void>((resolve) => (lost = resolve));
    const holder = worker(await connect(), { lockTimeout: '300ms', onLockLost: () => lost() });
    await holder.start();
    const storage = storages[0]!;
    await storage.db.updateTable('delivery_worker_lock').set({ owner: 'other-worker' }).execute();
    await lockLost;
    expect(holder.active).toBe(false);

    await recordEvents(storage, accountId, 1);
    holder.wake();
    await holder.stop();
    const delivery = await storage.db.selectFrom('deliveries').selectAll().executeTakeFirstOrThrow();
    expect(delivery).toMatchObject({ status: 'pending', locked_by: null });
    expect(receiver.requests).toHaveLength(0);
    const lock = await storage.db.selectFrom('delivery_worker_lock').selectAll().executeTakeFirstOrThrow();
    expect(lock.owner).toBe('other-worker');
  });

  test('when the lock was taken over before the holder heartbeats, then its next claim is refused', async () => {
    let lost!: () => void;
    const lockLost = new Promise<void>((resolve) => (lost = resolve));
    // Heartbeats every 20 min: only the claim's own check can notice.
    const holder = worker(await connect(), { lockTimeout: '1h', onLockLost: () => lost() });
    await holder.start();
    const storage = storages[0]!;
    await storage.db.updateTable('delivery_worker_lock').set({ owner: 'other-worker' }).execute();
    await recordEvents(storage, accountId, 3);
    holder.wake();
    await lockLost;
    expect(holder.active).toBe(false);
    const claimed = await storage.db
      .selectFrom('deliveries')
      .select('id')
      .where('locked_by', 'is not', null)
      .execute();
    expect(claimed).toHaveLength(0);
    expect(receiver.requests).toHaveLength(0);
  });

  test('when serve starts while another worker holds the lock, then its API works and its worker takes over once that one stops', async () => {
    const other = worker(await connect(), { lockTimeout: '300ms' });
    await other.start();
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      ATLAS_SEED_DEMO: 'false',
      ATLAS_ALLOW_PRIVATE_HOOK_URLS: 'true',
      DELIVERY_LOCK_TIMEOUT: '300ms',
    });
    const server = await startServer(config, {
      storage: await connect(),
      logger,
      deliveryPollIntervalMs: 20,
    });
    try {
      expect(server.deliveryWorker?.active).toBe(false);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

      await other.stop();
      const storage = storages[0]!;
      const eventIds = await recordEvents(storage, accountId, 3);
      await waitFor(
        'the server worker to take the lock over',
        async () => server.deliveryWorker?.active,
        5_000,
      );
      await waitFor('every delivery to be recorded', () => allDelivered(storage));
      expect(receivedIds()).toEqual(new Set(eventIds));
    } finally {
      await server.close();
    }
  });
});
