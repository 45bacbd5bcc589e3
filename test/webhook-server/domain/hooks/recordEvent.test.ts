import { createCampaign } from '../../../../webhook-server/src/domain/campaigns';
import { inTransaction } from '../../../../webhook-server/src/domain/db';
import { recordEvent } from '../../../../webhook-server/src/domain/events';
import { onNewDeliveries } from '../../../../webhook-server/src/domain/hooks/newWork';
import { writeEventWithDeliveries } from '../../../../webhook-server/src/domain/hooks/pgEventWithDeliveries';
import { newId } from '../../../../webhook-server/src/domain/ids';
import { subscribe } from '../../../../webhook-server/src/domain/hooks/subscriptions';
import { newAccount } from '../../../support/accounts';
import { TestClock } from '../../../support/clock';
import { freshStorage, testEngines, type TestStorage } from '../../../support/engines';

// recordEvent writes an event and one pending delivery per subscription of its audience, together
// or not at all. On PostgreSQL the usual audience (up to four) is one statement and a larger one
// the general path; both must give the same rows.
describe.each(testEngines())('recordEvent on %s', (engine) => {
  let store: TestStorage;
  let counter = 0;
  const clock = new TestClock('2026-03-10T12:00:00.000Z');

  beforeAll(async () => {
    store = await freshStorage(engine);
  });
  afterAll(() => store.destroy());

  async function accountWithHooks(hooks: number, triggerName: 'account_updated' | 'plan_changed') {
    counter += 1;
    const account = await newAccount(store.storage.db, clock);
    const hookUrls = Array.from({ length: hooks }, (_, n) => `https://hooks.example.com/${counter}/${n}`);
    for (const hookUrl of hookUrls)
      await subscribe(store.storage.db, clock, account.id, { hookUrl, triggerName });
    return { accountId: account.id, hookUrls };
  }

  async function written(eventId: string) {
    const db = store.storage.db;
    const events = await db
      .selectFrom('events')
      .select(['id', 'payload', 'test'])
      .where('id', '=', eventId)
      .execute();
    const deliveries = await db
      .selectFrom('deliveries')
      .select(['id', 'hook_url', 'status', 'attempt_count', 'next_attempt_at', 'account_id'])
      .where('event_id', '=', eventId)
      .orderBy('hook_url')
      .execute();
    return { events, deliveries };
  }

  test.each([0, 1, 4, 5, 9])(
    'when an event has %i subscribers, then it is stored once with one pending delivery due now for each',
    async (hooks) => {
      const { accountId, hookUrls } = await accountWithHooks(hooks, 'account_updated');
      const event = await recordEvent(store.storage.db, clock, {
        accountId,
        campaignId: null,
        triggerName: 'account_updated',
        data: { changedFields: ['companyName'] },
      });
      const { events, deliveries } = await written(event.id);
      expect(events).toHaveLength(1);
      expect(JSON.parse(events[0]!.payload)).toStrictEqual(event);
      expect(deliveries.map((d) => d.hook_url)).toStrictEqual([...hookUrls].sort());
      for (const delivery of deliveries) {
        expect(delivery).toMatchObject({
          status: 'pending',
          attempt_count: 0,
          next_attempt_at: event.createdAt,
          account_id: accountId,
        });
        expect(delivery.id).toMatch(/^dlv_[0-9A-HJKMNP-TV-Z]{26}$/);
      }
      expect(new Set(deliveries.map((d) => d.id)).size).toBe(hooks);
    },
  );

  test('when an event is for a campaign, then it reaches that campaign and "*" hooks, not another campaign', async () => {
    const { accountId } = await accountWithHooks(1, 'plan_changed');
    const db = store.storage.db;
    const mine = await createCampaign(db, clock, accountId, 'Mine');
    const other = await createCampaign(db, clock, accountId, 'Other');
    await subscribe(db, clock, accountId, {
      hookUrl: 'https://hooks.example.com/mine',
      triggerName: 'plan_changed',
      campaignId: mine.id,
    });
    await subscribe(db, clock, accountId, {
      hookUrl: 'https://hooks.example.com/other',
      triggerName: 'plan_changed',
      campaignId: other.id,
    });
    const event = await recordEvent(db, clock, {
      accountId,
      campaignId: mine.id,
      triggerName: 'plan_changed',
      data: {},
    });
    const { deliveries } = await written(event.id);
    expect(deliveries.map((d) => d.hook_url)).toStrictEqual([
      `https://hooks.example.com/${counter}/0`,
      'https://hooks.example.com/mine',
    ]);
  });

  test('when the caller’s transaction rolls back, then neither the event nor its deliveries remain', async () => {
    const { accountId } = await accountWithHooks(2, 'account_updated');
    let eventId = '';
    await expect(
      inTransaction(store.storage.db, async (trx) => {
        eventId = (
          await recordEvent(trx, clock, {
            accountId,
            campaignId: null,
            triggerName: 'account_updated',
            data: {},
          })
        ).id;
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');
    expect(await written(eventId)).toStrictEqual({ events: [], deliveries: [] });
  });

  test('when deliveries are queued, then workers are woken once they are committed, and not for an event with none', async () => {
    const { accountId } = await accountWithHooks(1, 'account_updated');
    const { accountId: quiet } = await accountWithHooks(0, 'account_updated');
    let wakeups = 0;
    const stop = onNewDeliveries(() => {
      wakeups += 1;
    });
    try {
      await recordEvent(store.storage.db, clock, {
        accountId: quiet,
        campaignId: null,
        triggerName: 'account_updated',
        data: {},
      });
      expect(wakeups).toBe(0);
      await inTransaction(store.storage.db, async (trx) => {
        await recordEvent(trx, clock, {
          accountId,
          campaignId: null,
          triggerName: 'account_updated',
          data: {},
        });
        expect(wakeups).toBe(0);
      });
      expect(wakeups).toBe(1);
    } finally {
      stop();
    }
  });

  test.each([2, 5])(
    'when the audience is %i, then PostgreSQL writes it in one statement only up to four (SQLite never)',
    async (hooks) => {
      const { accountId } = await accountWithHooks(hooks, 'account_updated');
      const envelope = {
        id: newId('evt'),
        triggerName: 'account_updated' as const,
        createdAt: clock.now().toISOString(),
        accountId,
        campaignId: null,
        data: {},
      } as Parameters<typeof writeEventWithDeliveries>[1];
      const queued = await writeEventWithDeliveries(
        store.storage.db,
        envelope,
        JSON.stringify(envelope),
        false,
      );
      const one = engine === 'postgres' && hooks <= 4;
      expect(queued).toBe(one ? hooks : undefined);
      const { events, deliveries } = await written(envelope.id);
      expect([events.length, deliveries.length]).toStrictEqual(one ? [1, hooks] : [0, 0]);
    },
  );
});
