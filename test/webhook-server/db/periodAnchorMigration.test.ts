import { testEngines, freshStorage, type TestStorage } from '../../support/engines';
import { TestClock } from '../../support/clock';
import { migrateTo } from '../../support/migrateTo';
import { createAccount } from '../../../webhook-server/src/domain/accounts';
import { getUsage } from '../../../webhook-server/src/domain/usage';

describe.each(testEngines())('migration 005_period_anchor on %s', (engine) => {
  let store: TestStorage;

  beforeAll(async () => {
    store = await freshStorage(engine);
  });
  afterAll(() => store.destroy());

  test('when usage periods exist before the migration, then each is anchored on its own start', async () => {
    const db = store.storage.db;
    const clock = new TestClock('2026-01-31T10:00:00.000Z');
    const { id } = await createAccount(db, clock, {
      companyName: 'Old Co',
      adminName: 'Olive',
      adminEmail: 'old@example.com',
      password: 'long-enough-password',
      planId: 'free',
    });
    clock.set('2026-03-01T00:00:00.000Z');
    await getUsage(db, id, 'free', clock);
    // Back to the schema before the anchor existed (the rows stay), then forward again.
    expect(await migrateTo(store, '004_billing')).toBeUndefined();
    expect(await migrateTo(store)).toBeUndefined();
    const rows = await db
      .selectFrom('usage_periods')
      .select(['period_start', 'period_anchor'])
      .where('account_id', '=', id)
      .orderBy('period_start')
      .execute();
    expect(rows).toStrictEqual([
      { period_start: '2026-01-31T10:00:00.000Z', period_anchor: '2026-01-31T10:00:00.000Z' },
      { period_start: '2026-02-28T10:00:00.000Z', period_anchor: '2026-02-28T10:00:00.000Z' },
    ]);
  });
});
