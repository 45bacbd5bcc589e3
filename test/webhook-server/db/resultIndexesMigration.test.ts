import { testEngines, freshStorage, type TestStorage } from '../../support/engines';
import { TestClock } from '../../support/clock';
import { migrateTo } from '../../support/migrateTo';
import { createAccount } from '../../../webhook-server/src/domain/accounts';
import { recordEvent } from '../../../webhook-server/src/domain/events';
import { listDeliveries } from '../../../webhook-server/src/domain/hooks/deliveries';
import { removeSubscription, subscribe } from '../../../webhook-server/src/domain/hooks/subscriptions';

describe.each(testEngines())('migration 014_result_indexes on %s', (engine) => {
  let store: TestStorage;

  beforeAll(async () => {
    store = await freshStorage(engine);
  });
  afterAll(() => store.destroy());

  test('when deliveries and attempts were written before the migration, then their history is listed, attempts are still recorded and unsubscribing still cancels only the pending ones', async () => {
    const db = store.storage.db;
    const clock = new TestClock('2026-03-01T10:00:00.000Z');
    expect(await migrateTo(store, '013_delivery_hot_path')).toBeUndefined();

    const { id: accountId } = await createAccount(db, clock, {
      companyName: 'History Co',
      adminName: 'Hal',
      adminEmail: 'hal@example.com',
      password: 'long-enough-password',
      planId: 'pro',
    });
    const { subscription } = await subscribe(db, clock, accountId, {
      hookUrl: 'https://93.184.215.14/hooks/history',
      triggerName: 'account_updated',
    });
    const event = () =>
      recordEvent(db, clock, {
        accountId,
        campaignId: null,
        triggerName: 'account_updated',
        data: { account: { id: accountId, companyName: 'History Co' }, changedFields: ['companyName'] },
      });
    await event();
    await event();
    const [newer, older] = await listDeliveries(db, accountId, { subscriptionId: subscription.id }, 10);
    const attempt = (id: string, deliveryId: string, outcome: 'delivered' | 'retry', statusCode: number) =>
      db
        .insertInto('delivery_attempts')
        .values({
          id,
          delivery_id: deliveryId,
          started_at: clock.now().toISOString(),
          duration_ms: 3,
          status_code: statusCode,
          error: null,
          outcome,
        })
        .execute();
    // Before the migration: the older delivery got through at its first attempt.
    await attempt('att_01', older!.id, 'delivered', 200);
    await db
      .updateTable('deliveries')
      .set({
        status: 'delivered',
        attempt_count: 1,
        next_attempt_at: null,
        delivered_at: clock.now().toISOString(),
      })
      .where('id', '=', older!.id)
      .execute();

    expect(await migrateTo(store)).toBeUndefined();
    // After it: the newer one fails once and stays pending.
    await attempt('att_02', newer!.id, 'retry', 500);

    const listed = await listDeliveries(db, accountId, { subscriptionId: subscription.id }, 10);
    expect(listed.map((d) => [d.id, d.status, d.attempts.map((a) => [a.id, a.outcome])])).toStrictEqual([
      [newer!.id, 'pending', [['att_02', 'retry']]],
      [older!.id, 'delivered', [['att_01', 'delivered']]],
    ]);

    expect(await removeSubscription(db, clock, subscription.id)).toBe(true);
    const after = await listDeliveries(db, accountId, { subscriptionId: subscription.id }, 10);
    expect(after.map((d) => [d.id, d.status, d.attempts.length])).toStrictEqual([
      [newer!.id, 'cancelled', 1],
      [older!.id, 'delivered', 1],
    ]);

    // The migration can be undone and done again with this history in place.
    expect(await migrateTo(store, '013_delivery_hot_path')).toBeUndefined();
    expect(await migrateTo(store)).toBeUndefined();
    expect((await listDeliveries(db, accountId, {}, 10)).map((d) => d.attempts.length)).toStrictEqual([1, 1]);
  });
});
