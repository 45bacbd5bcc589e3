import { PLATFORM_DISPATCH } from '../../../webhook-server/src/domain/callDispatch';
import { createAccount } from '../../../webhook-server/src/domain/accounts';
import { systemClock } from '../../../webhook-server/src/domain/clock';
import { eventsAfter } from '../../../webhook-server/src/domain/hooks/eventTail';
import { EventFeed } from '../../../webhook-server/src/domain/eventFeed';
import { recordEvent } from '../../../webhook-server/src/domain/events';
import { freshStorage, testEngines, type TestStorage } from '../../support/engines';
import { recordEvents } from '../../support/events';

describe.each(testEngines())('event feed and live tail on %s', (engine) => {
  let db: TestStorage;
  let accountId: string;

  beforeAll(async () => {
    db = await freshStorage(engine);
  });
  beforeEach(async () => {
    const account = await createAccount(db.storage.db, systemClock, {
      companyName: 'Feed',
      adminName: 'Admin',
      adminEmail: `feed.${Date.now()}.${Math.random()}@example.com`,
      password: 'password-long-enough',
      planId: 'starter',
    });
    accountId = account.id;
  });
  afterAll(() => db.destroy());

  const feedOf = (afterId?: string) =>
    new EventFeed(db.storage.db, { accountId, triggerNames: [], afterId, lookbackMs: 10_000 });

  test('when a feed starts without a resume point, then it returns events from then on, each once', async () => {
    await recordEvents(db.storage, accountId, 2);
    // Ids carry the millisecond they were made in: start the feed in a later one.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const feed = feedOf();
    const later = await recordEvents(db.storage, accountId, 3);

    const first = await feed.read();
    expect(first.map((e) => e.id)).toStrictEqual(later);
    expect(first.map((e) => e.resumeAfter)).toStrictEqual(later);
    expect(await feed.read()).toStrictEqual([]);
  });

  test('when a feed resumes after an id, then it returns every later event, paging past 100', async () => {
    const [resumeAt, ...rest] = await recordEvents(db.storage, accountId, 131);
    const feed = feedOf(resumeAt);
    expect((await feed.read()).map((e) => e.id)).toStrictEqual(rest);
  });

  test('when the outbox holds a request to the calling platform, then a feed of every trigger leaves it out', async () => {
    const [resumeAt] = await recordEvents(db.storage, accountId, 1);
    // The row a production dispatch writes beside the account's events (calling/platformDispatch.ts).
    await db.storage.db
      .insertInto('events')
      .values({
        id: `evt_${resumeAt!.slice(4, 14)}ZZZZZZZZZZZZZZZZ`,
        account_id: accountId,
        campaign_id: null,
        trigger_name: PLATFORM_DISPATCH,
        payload: JSON.stringify({ type: 'call.dispatch' }),
        created_at: new Date().toISOString(),
      })
      .execute();
    const later = await recordEvents(db.storage, accountId, 1);
    expect((await feedOf(resumeAt).read()).map((e) => e.id)).toStrictEqual(later);
    // The Account page's live tail reads the same table the same way (with the event it resumes
    // after again, since that is within the lookback window).
    expect((await eventsAfter(db.storage.db, accountId, resumeAt, 10)).map((e) => e.id)).toStrictEqual([
      resumeAt,
      ...later,
    ]);
  });

  if (engine === 'postgres') {
    test('when an event commits after a newer one was read, then the next read returns it, and the resume point stays at the newest', async () => {
      const feed = feedOf();
      let commitSlow!: () => void;
      let slowId = '';
      const slowRecorded = new Promise<void>((recorded) => {
        void db.storage.db.transaction().execute(async (trx) => {
          slowId = (
            await recordEvent(trx, systemClock, {
              accountId,
              campaignId: null,
              triggerName: 'account_updated',
              data: {},
            })
          ).id;
          recorded();
          await new Promise<void>((resolve) => (commitSlow = resolve));
        });
      });
      await slowRecorded;
      const [fastId] = await recordEvents(db.storage, accountId, 1);
      expect(slowId < fastId!).toBe(true);

      expect((await feed.read()).map((e) => e.id)).toStrictEqual([fastId]);
      commitSlow();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await feed.read()).toStrictEqual([expect.objectContaining({ id: slowId, resumeAfter: fastId })]);
      expect(await feed.read()).toStrictEqual([]);
    });
  }
});
