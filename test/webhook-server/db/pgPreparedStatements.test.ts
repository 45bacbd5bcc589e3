import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { preparedStatement } from '../../../webhook-server/src/db/pgPreparedStatements';
import { migrate } from '../../../webhook-server/src/db/migrate';
import { openStorage, type Storage } from '../../../webhook-server/src/db/storage';
import { PgDeliveryQueue } from '../../../webhook-server/src/delivery/pgQueue';
import { systemClock } from '../../../webhook-server/src/domain/clock';
import { claimDueNow } from '../../support/claims';
import { testEngines } from '../../support/engines';

// PostgreSQL only (the run's SKIPPED line about it comes from globalSetup).
const describePostgres = testEngines().includes('postgres') ? describe : describe.skip;

describe('prepared statement names', () => {
  test('when a name is not lowercase words, then it is refused (it becomes part of the SQL text)', () => {
    expect(() => preparedStatement('claim */ drop')).toThrow(/lowercase words/);
    expect(preparedStatement('delivery_claim')).toBe('/* prepared:delivery_claim */');
  });
});

describePostgres('named prepared statements on PostgreSQL', () => {
  let storage: Storage;

  beforeAll(async () => {
    // One connection, so the statements below all see the same session's prepared statements.
    const schema = `t_${process.env.ATLAS_TEST_RUN ?? 'adhoc'}_${randomBytes(6).toString('hex')}`;
    const migrating = openStorage(process.env.TEST_DATABASE_URL!, { schema });
    await migrate(migrating);
    await migrating.close();
    storage = openStorage(process.env.TEST_DATABASE_URL!, { schema, poolSize: 1 });
  });
  afterAll(() => storage.close());

  const prepared = async (): Promise<string[]> =>
    (
      await sql<{ name: string }>`SELECT name FROM pg_prepared_statements ORDER BY name`.execute(storage.db)
    ).rows.map((row) => row.name);

  test('when a statement carries the marker, then its connection keeps it prepared and reuses it with new values', async () => {
    const add = (n: number) =>
      sql<{ n: number }>`${sql.raw(preparedStatement('probe_add'))} SELECT ${n}::int + 1 AS n`.execute(
        storage.db,
      );
    expect((await add(1)).rows).toEqual([{ n: 2 }]);
    expect((await add(41)).rows).toEqual([{ n: 42 }]);
    expect(await prepared()).toContain('probe_add');
  });

  test('when a statement has no marker, then it is not kept', async () => {
    const before = await prepared();
    await sql`SELECT ${7}::int AS n`.execute(storage.db);
    expect(await prepared()).toEqual(before);
  });

  test('when the delivery worker claims, then its claim statement is prepared on the connection', async () => {
    const queue = new PgDeliveryQueue(storage.db, systemClock, 'worker-a');
    await claimDueNow(queue, 10);
    await claimDueNow(queue, 10);
    expect(await prepared()).toContain('delivery_claim');
  });
});
