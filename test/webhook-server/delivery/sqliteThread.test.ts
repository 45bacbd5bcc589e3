import { getPriority } from 'node:os';
import pino from 'pino';
import { Webhook } from 'standardwebhooks';
import { openStorage } from '../../../webhook-server/src/db/storage';
import { migrate } from '../../../webhook-server/src/db/migrate';
import { loadDeliveryConfig } from '../../../webhook-server/src/delivery/config';
import { openDeliveryQueue } from '../../../webhook-server/src/delivery/openQueue';
import { deliveryBody } from '../../../webhook-server/src/delivery/signer';
import { DeliveryWorker } from '../../../webhook-server/src/delivery/worker';
import { inTransaction } from '../../../webhook-server/src/domain/db';
import { createAccount } from '../../../webhook-server/src/domain/accounts';
import { systemClock } from '../../../webhook-server/src/domain/clock';
import { subscribe } from '../../../webhook-server/src/domain/hooks/subscriptions';
import { claimDueNow } from '../../support/claims';
import { freshStorage, type TestStorage } from '../../support/engines';
import { recordEvents } from '../../support/events';
import { Receiver } from '../../support/receiver';
import { waitFor } from '../../support/waitFor';

// On a SQLite file (how the server runs) the delivery worker claims and records successes on a
// connection of its own, in a worker thread; the API keeps the main connection.
describe('SQLite delivery thread', () => {
  let store: TestStorage;
  let receiver: Receiver;
  let accountId: string;
  let secret: string;
  let worker: DeliveryWorker | undefined;

  beforeEach(async () => {
    store = await freshStorage('sqlite');
    receiver = await Receiver.start();
    const account = await createAccount(store.storage.db, systemClock, {
      companyName: 'Thread',
      adminName: 'Thread',
      adminEmail: `thread.${Date.now()}@example.com`,
      password: 'a-long-enough-password',
      planId: 'pro',
    });
    accountId = account.id;
    const { subscription } = await subscribe(store.storage.db, systemClock, accountId, {
      hookUrl: `${receiver.url}/hook`,
      triggerName: 'account_updated',
    });
    secret = subscription.secret!;
  });
  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
    await receiver.close();
    await store.destroy();
  });

  function startWorker(): Promise<void> {
    const config = loadDeliveryConfig(
      {
        ATLAS_ALLOW_PRIVATE_HOOK_URLS: 'true',
        DELIVERY_CONCURRENCY: '16',
        DELIVERY_CONCURRENCY_PER_URL: '16',
      },
      [],
    );
    worker = new DeliveryWorker({
      storage: store.storage,
      clock: systemClock,
      logger: pino({ level: 'silent' }),
      config,
    });
    return worker.start();
  }

  async function delivered(): Promise<number> {
    const row = await store.storage.db
      .selectFrom('deliveries')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'delivered')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  test('when a few hundred events are delivered, then each is sent once and recorded with one attempt of its own id', async () => {
    const eventIds = await recordEvents(store.storage, accountId, 300);
    await startWorker();
    await waitFor('all 300 delivered', async () => (await delivered()) === 300, 20_000);

    const sent = receiver.requests.map((r) => r.headers['webhook-id']);
    expect(sent).toHaveLength(300);
    expect(new Set(sent)).toEqual(new Set(eventIds));
    // Signed in the thread when claimed: each verifies with standardwebhooks as sent.
    const webhook = new Webhook(secret);
    for (const request of receiver.requests) {
      expect(() => webhook.verify(request.body, request.headers as Record<string, string>)).not.toThrow();
    }
    const attempts = await store.storage.db
      .selectFrom('delivery_attempts')
      .select(['id', 'delivery_id', 'status_code', 'outcome'])
      .execute();
    expect(attempts).toHaveLength(300);
    expect(new Set(attempts.map((a) => a.delivery_id)).size).toBe(300);
    expect(new Set(attempts.map((a) => a.id)).size).toBe(300);
    for (const attempt of attempts) {
      expect(attempt).toMatchObject({ status_code: 200, outcome: 'delivered' });
      expect(attempt.id).toMatch(/^att_[0-9A-Z]{26}$/);
    }
  }, 30_000);

  test('when an API transaction reads, then writes while the thread records deliveries, then it does not fail as busy', async () => {
    // A deferred transaction that read before another connection's commit fails with SQLITE_BUSY
    // when it then writes (at once, no busy wait). The pause stands for a transaction's work
    // between its read and its write; the thread commits meanwhile.
    await recordEvents(store.storage, accountId, 300);
    await startWorker();
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, n) =>
        inTransaction(store.storage.db, async (trx) => {
          await trx.selectFrom('accounts').select('company_name').where('id', '=', accountId).execute();
          await new Promise((resolve) => setTimeout(resolve, 5));
          await trx
            .updateTable('accounts')
            .set({ company_name: `Thread ${n}` })
            .where('id', '=', accountId)
            .execute();
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    await waitFor('all 300 delivered', async () => (await delivered()) === 300, 20_000);
  }, 30_000);

  test('when the worker starts its database thread, then the process keeps its own scheduling priority', async () => {
    const before = getPriority();
    await startWorker();
    await recordEvents(store.storage, accountId, 5);
    await waitFor('5 delivered', async () => (await delivered()) === 5);
    expect(getPriority()).toBe(before);
  });

  test('when the thread claims deliveries, then they come signed for the body the worker sends', async () => {
    const eventIds = await recordEvents(store.storage, accountId, 3);
    const queue = openDeliveryQueue(store.storage, systemClock, 'worker-a');
    try {
      const claimed = await claimDueNow(queue, 10);
      expect(claimed.map((d) => d.eventId).sort()).toEqual([...eventIds].sort());
      for (const delivery of claimed) {
        expect(delivery.signed).toEqual({
          timestamp: expect.stringMatching(/^\d+$/),
          signature: expect.any(String),
        });
        const headers = {
          'webhook-id': delivery.eventId,
          'webhook-timestamp': delivery.signed!.timestamp,
          'webhook-signature': delivery.signed!.signature,
        };
        expect(new Webhook(secret).verify(deliveryBody(delivery.payload), headers)).toEqual([
          JSON.parse(delivery.payload),
        ]);
      }
    } finally {
      await queue.close();
    }
  });

  test('when the database thread dies, then the next claim starts a new one', async () => {
    await recordEvents(store.storage, accountId, 4);
    const queue = openDeliveryQueue(store.storage, systemClock, 'worker-a');
    try {
      expect(await claimDueNow(queue, 2)).toHaveLength(2);
      // What a crash of the thread looks like from the queue's side.
      const thread = (queue as unknown as { thread: { thread: { terminate(): Promise<number> } } }).thread
        .thread;
      await thread.terminate();
      expect(await claimDueNow(queue, 10)).toHaveLength(2);
    } finally {
      await queue.close();
    }
  });

  test('when the worker stops, then its thread is gone and the database file can be reopened and written', async () => {
    await startWorker();
    await recordEvents(store.storage, accountId, 20);
    await waitFor('20 delivered', async () => (await delivered()) === 20);
    await worker!.stop();
    worker = undefined;
    // A second worker on the same file claims at once: the first one's thread released its connection and the lock.
    await recordEvents(store.storage, accountId, 10);
    await startWorker();
    await waitFor('30 delivered', async () => (await delivered()) === 30);
  });
});

describe('SQLite in memory', () => {
  test('when the database is in memory, then the queue claims and records on its one connection', async () => {
    const storage = openStorage('sqlite::memory:');
    try {
      await migrate(storage);
      expect(storage.sqliteFile).toBeUndefined();
      const account = await createAccount(storage.db, systemClock, {
        companyName: 'Memory',
        adminName: 'Memory',
        adminEmail: 'memory@example.com',
        password: 'a-long-enough-password',
        planId: 'pro',
      });
      await subscribe(storage.db, systemClock, account.id, {
        hookUrl: 'http://127.0.0.1:9/hook',
        triggerName: 'account_updated',
      });
      await recordEvents(storage, account.id, 3);
      const queue = openDeliveryQueue(storage, systemClock, 'worker-memory');
      const claimed = await claimDueNow(queue, 10);
      expect(claimed).toHaveLength(3);
      await queue.finish(
        claimed.map((delivery) => ({
          deliveryId: delivery.id,
          subscriptionId: delivery.subscriptionId,
          attemptNumber: 1,
          startedAt: new Date().toISOString(),
          durationMs: 1,
          statusCode: 204,
          error: undefined,
          outcome: 'delivered' as const,
          nextAttemptAt: undefined,
        })),
      );
      const rows = await storage.db.selectFrom('deliveries').select('status').execute();
      expect(rows.map((r) => r.status)).toEqual(['delivered', 'delivered', 'delivered']);
      await queue.close();
    } finally {
      await storage.close();
    }
  });
});
