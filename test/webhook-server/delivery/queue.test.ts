import { systemClock } from '../../../webhook-server/src/domain/clock';
import { openDeliveryQueue } from '../../../webhook-server/src/delivery/openQueue';
import type { DeliveryQueue } from '../../../webhook-server/src/delivery/queue';
import { claimDueNow } from '../../support/claims';
import { freshStorage, testEngines, type TestStorage } from '../../support/engines';
import { accountWithOnePendingDelivery, recordEvents } from '../../support/events';

describe.each(testEngines())('delivery queue on %s', (engine) => {
  let store: TestStorage;

  beforeEach(async () => {
    store = await freshStorage(engine);
  });
  afterEach(() => store.destroy());

  const onePendingDelivery = () => accountWithOnePendingDelivery(store.storage, 'Queue');

  test('when another caller rolls back a transaction opened before a claim, then the claim stands', async () => {
    const accountId = await onePendingDelivery();
    const { db } = store.storage;
    const queue = openDeliveryQueue(store.storage, systemClock, 'worker-a');
    let claimStarted!: () => void;
    const started = new Promise<void>((resolve) => (claimStarted = resolve));
    let claim: ReturnType<DeliveryQueue['claim']> | undefined;

    const rolledBack = db
      .transaction()
      .execute(async (trx) => {
        await trx
          .updateTable('accounts')
          .set({ company_name: 'Doomed' })
          .where('id', '=', accountId)
          .execute();
        claim = claimDueNow(queue, 10);
        claimStarted();
        // Let the claim run (or wait for the connection) while this transaction is still open.
        await new Promise((resolve) => setImmediate(resolve));
        throw new Error('roll back');
      })
      .catch((err: Error) => err.message);
    await started;

    expect(await rolledBack).toBe('roll back');
    const claimed = await claim!;
    expect(claimed).toHaveLength(1);
    const row = await db
      .selectFrom('deliveries')
      .select(['locked_by'])
      .where('id', '=', claimed[0]!.id)
      .executeTakeFirstOrThrow();
    expect(row.locked_by).toBe('worker-a');
    const account = await db
      .selectFrom('accounts')
      .select('company_name')
      .where('id', '=', accountId)
      .executeTakeFirstOrThrow();
    expect(account.company_name).toBe('Queue');
  });

  test('when every attempt of a batch delivered, then each is recorded once and the delivery closed', async () => {
    await onePendingDelivery();
    const { db } = store.storage;
    const queue = openDeliveryQueue(store.storage, systemClock, 'worker-a');
    const [delivery] = await claimDueNow(queue, 10);
    await queue.finish([
      {
        deliveryId: delivery!.id,
        subscriptionId: delivery!.subscriptionId,
        attemptNumber: 1,
        startedAt: new Date().toISOString(),
        durationMs: 3,
        statusCode: 204,
        error: undefined,
        outcome: 'delivered',
        nextAttemptAt: undefined,
      },
    ]);
    const row = await db
      .selectFrom('deliveries')
      .select(['status', 'attempt_count', 'locked_by', 'last_status_code', 'delivered_at'])
      .where('id', '=', delivery!.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      status: 'delivered',
      attempt_count: 1,
      locked_by: null,
      last_status_code: 204,
    });
    expect(row.delivered_at).not.toBeNull();
    const attempts = await db
      .selectFrom('delivery_attempts')
      .select(['status_code', 'outcome'])
      .where('delivery_id', '=', delivery!.id)
      .execute();
    expect(attempts).toEqual([{ status_code: 204, outcome: 'delivered' }]);
  });

  test('when a batch mixes outcomes and a claim another worker took over, then each delivery gets its own state and every attempt is recorded', async () => {
    const accountId = await onePendingDelivery();
    const { db } = store.storage;
    await recordEvents(store.storage, accountId, 2);
    const queue = openDeliveryQueue(store.storage, systemClock, 'worker-a');
    const claimed = await claimDueNow(queue, 10);
    expect(claimed).toHaveLength(3);
    const [delivered, retried, takenOver] = claimed as [
      (typeof claimed)[0],
      (typeof claimed)[0],
      (typeof claimed)[0],
    ];
    // Its lease expired and another worker claimed it: this worker's result must not close it.
    await db
      .updateTable('deliveries')
      .set({ locked_by: 'worker-b' })
      .where('id', '=', takenOver.id)
      .execute();
    const retryAt = new Date(Date.now() + 60_000).toISOString();
    const attempt = (id: string, outcome: 'delivered' | 'retry', statusCode: number) => ({
      deliveryId: id,
      subscriptionId: delivered.subscriptionId,
      attemptNumber: 1,
      startedAt: new Date().toISOString(),
      durationMs: 2,
      statusCode,
      error: outcome === 'retry' ? 'HTTP 500' : undefined,
      outcome,
      nextAttemptAt: outcome === 'retry' ? retryAt : undefined,
    });
    await queue.finish([
      attempt(delivered.id, 'delivered', 200),
      attempt(retried.id, 'retry', 500),
      attempt(takenOver.id, 'delivered', 201),
    ]);

    const rows = await db
      .selectFrom('deliveries')
      .select([
        'id',
        'status',
        'attempt_count',
        'next_attempt_at',
        'locked_by',
        'last_status_code',
        'last_error',
      ])
      .execute();
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(byId.get(delivered.id)).toMatchObject({ status: 'delivered', attempt_count: 1, locked_by: null });
    expect(byId.get(retried.id)).toMatchObject({
      status: 'pending',
      attempt_count: 1,
      next_attempt_at: retryAt,
      locked_by: null,
      last_status_code: 500,
      last_error: 'HTTP 500',
    });
    expect(byId.get(takenOver.id)).toMatchObject({
      status: 'pending',
      attempt_count: 0,
      locked_by: 'worker-b',
    });
    const attempts = await db
      .selectFrom('delivery_attempts')
      .select(['delivery_id', 'status_code'])
      .execute();
    expect(attempts.map((a) => `${a.delivery_id}:${a.status_code}`).sort()).toEqual(
      [`${delivered.id}:200`, `${retried.id}:500`, `${takenOver.id}:201`].sort(),
    );
  });

  test('when attempts got no answer and their errors hold commas and quotes, then each is recorded as it was', async () => {
    const accountId = await onePendingDelivery();
    const { db } = store.storage;
    await recordEvents(store.storage, accountId, 2);
    const queue = openDeliveryQueue(store.storage, systemClock, 'worker-a');
    const [alone, first, second] = await claimDueNow(queue, 10);
    const retryAt = new Date(Date.now() + 60_000).toISOString();
    const failed = (id: string, error: string, statusCode?: number) => ({
      deliveryId: id,
      subscriptionId: alone!.subscriptionId,
      attemptNumber: 1,
      startedAt: new Date().toISOString(),
      durationMs: 15_000,
      statusCode,
      error,
      outcome: 'retry' as const,
      nextAttemptAt: retryAt,
    });

    // A batch of one with no status code, then a batch where only one attempt had an answer.
    await queue.finish([failed(alone!.id, 'timed out after 15s, "no answer"')]);
    await queue.finish([
      failed(first!.id, 'connect ECONNREFUSED, {a,b}'),
      failed(second!.id, 'HTTP 503', 503),
    ]);

    const rows = await db
      .selectFrom('delivery_attempts')
      .select(['delivery_id', 'status_code', 'error', 'duration_ms'])
      .execute();
    const byDelivery = new Map(rows.map((row) => [row.delivery_id, row]));
    expect(byDelivery.get(alone!.id)).toMatchObject({
      status_code: null,
      error: 'timed out after 15s, "no answer"',
    });
    expect(byDelivery.get(first!.id)).toMatchObject({
      status_code: null,
      error: 'connect ECONNREFUSED, {a,b}',
    });
    expect(byDelivery.get(second!.id)).toMatchObject({
      status_code: 503,
      error: 'HTTP 503',
      duration_ms: 15_000,
    });
    const deliveries = await db
      .selectFrom('deliveries')
      .select(['id', 'status', 'next_attempt_at', 'last_status_code', 'last_error'])
      .execute();
    expect(deliveries.find((d) => d.id === alone!.id)).toMatchObject({
      status: 'pending',
      next_attempt_at: retryAt,
      last_status_code: null,
      last_error: 'timed out after 15s, "no answer"',
    });
    expect(deliveries.find((d) => d.id === second!.id)).toMatchObject({
      last_status_code: 503,
      next_attempt_at: retryAt,
    });
  });
});
