import { reportCallEvent } from '../../../webhook-server/src/domain/calls';
import { createCampaign, findCampaignRow } from '../../../webhook-server/src/domain/campaigns';
import { inGroupedTransaction } from '../../../webhook-server/src/domain/groupCommit';
import { subscribe } from '../../../webhook-server/src/domain/hooks/subscriptions';
import { newAccount } from '../../support/accounts';
import { TestClock } from '../../support/clock';
import { freshStorage, testEngines, type TestStorage } from '../../support/engines';

// Units started in one turn of the event loop share a transaction on SQLite; on PostgreSQL each has
// its own. Either way each unit must be applied or not on its own.
describe.each(testEngines())('units of work committed together on %s', (engine) => {
  let store: TestStorage;
  let counter = 0;
  const clock = new TestClock('2026-03-10T12:00:00.000Z');

  beforeAll(async () => {
    store = await freshStorage(engine);
  });
  afterAll(() => store.destroy());

  /** A new account; `counter` also keeps each test's call ids apart. */
  function account() {
    counter += 1;
    return newAccount(store.storage.db, clock);
  }

  test('when one unit of a group throws after writing, then only its writes are undone and it alone rejects', async () => {
    const { id: accountId } = await account();
    const db = store.storage.db;
    const refused = new Error('refused after writing');
    const outcomes = await Promise.allSettled([
      inGroupedTransaction(db, (trx) => createCampaign(trx, clock, accountId, 'First')),
      inGroupedTransaction(db, async (trx) => {
        await createCampaign(trx, clock, accountId, 'Undone');
        throw refused;
      }),
      inGroupedTransaction(db, (trx) => createCampaign(trx, clock, accountId, 'Third')),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toStrictEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBe(refused);
    const names = await db
      .selectFrom('campaigns')
      .select('name')
      .where('account_id', '=', accountId)
      .orderBy('name')
      .execute();
    expect(names.map((row) => row.name)).toStrictEqual(['First', 'Third']);
  });

  test('when a call is reported ended twice at once beside other calls, then each call is debited once and a bad report changes nothing', async () => {
    const { id: accountId } = await account();
    const db = store.storage.db;
    const campaign = await createCampaign(db, clock, accountId, 'Calls');
    await subscribe(db, clock, accountId, {
      hookUrl: 'https://hooks.example.com/group',
      triggerName: 'call_completed',
      campaignId: campaign.id,
    });
    const report = (callId: string, campaignId = campaign.id) =>
      reportCallEvent(db, clock, {
        type: 'call_completed',
        callId,
        campaignId,
        phoneNumber: '+14155550100',
        status: 'completed',
        durationSeconds: 30,
        occurredAt: '2026-03-10T12:00:00.000Z',
      });
    const outcomes = await Promise.allSettled([
      report(`call_group_a_${counter}`),
      report(`call_group_a_${counter}`),
      report(`call_group_b_${counter}`, 'cmp_missing'),
      report(`call_group_c_${counter}`),
    ]);
    const applied = outcomes.map((outcome) =>
      outcome.status === 'fulfilled' ? outcome.value.applied : 'rejected',
    );
    // The two reports of one call: either may come first (on PostgreSQL they race); one applies.
    expect(applied.slice(0, 2).sort()).toStrictEqual([false, true]);
    expect(applied.slice(2)).toStrictEqual(['rejected', true]);
    const ledger = await db
      .selectFrom('minute_ledger')
      .select(['reference', 'seconds'])
      .where('account_id', '=', accountId)
      .orderBy('reference')
      .execute();
    expect(ledger).toStrictEqual([
      { reference: `call_group_a_${counter}`, seconds: -30 },
      { reference: `call_group_c_${counter}`, seconds: -30 },
    ]);
    const deliveries = await db
      .selectFrom('deliveries')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', accountId)
      .executeTakeFirstOrThrow();
    expect(Number(deliveries.n)).toBe(2);
    expect(await findCampaignRow(db, 'cmp_missing')).toBeUndefined();
  });
});
