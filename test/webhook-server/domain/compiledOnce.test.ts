import { sql } from 'kysely';
import { createAccount, findAccountRow } from '../../../webhook-server/src/domain/accounts';
import { compiledOnce } from '../../../webhook-server/src/domain/compiledOnce';
import { inTransaction } from '../../../webhook-server/src/domain/db';
import { TestClock } from '../../support/clock';
import { freshStorage, testEngines, type TestStorage } from '../../support/engines';

describe.each(testEngines())('a query compiled once on %s', (engine) => {
  let storage: TestStorage;
  beforeAll(async () => {
    storage = await freshStorage(engine);
  });
  afterAll(() => storage.destroy());

  const newAccount = (name: string) =>
    createAccount(storage.storage.db, new TestClock(), {
      companyName: name,
      adminName: name,
      adminEmail: `${name.toLowerCase()}.${Date.now()}@example.com`,
      password: 'a-long-enough-password',
      planId: 'starter',
    });

  test('when it runs with new arguments, then each run answers for its own, in and out of a transaction', async () => {
    const first = await newAccount('First');
    const second = await newAccount('Second');
    expect((await findAccountRow(storage.storage.db, first.id))?.company_name).toBe('First');
    expect((await findAccountRow(storage.storage.db, second.id))?.company_name).toBe('Second');
    await inTransaction(storage.storage.db, async (trx) => {
      expect((await findAccountRow(trx, second.id))?.company_name).toBe('Second');
    });
    expect(await findAccountRow(storage.storage.db, 'acc_missing')).toBeUndefined();
  });

  test('when the builder does not bind its argument as a value, then it is refused rather than run with the marker', async () => {
    const unbound = compiledOnce((db, _id: string) =>
      db
        .selectFrom('accounts')
        .select('id')
        .where(sql<boolean>`1 = 1`),
    );
    await expect(unbound(storage.storage.db, 'acc_x')).rejects.toThrow(/bind every argument/);
  });
});
