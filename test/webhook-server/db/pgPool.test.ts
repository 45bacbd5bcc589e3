import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { openStorage } from '../../../webhook-server/src/db/storage';
import { testEngines } from '../../support/engines';

// PostgreSQL only (the run's SKIPPED line about it comes from globalSetup).
const describePostgres = testEngines().includes('postgres') ? describe : describe.skip;

describePostgres('a PostgreSQL pool whose idle connection the server closes', () => {
  test('when the server terminates an idle connection, then the process goes on and the next query works', async () => {
    const schema = `t_${process.env.ATLAS_TEST_RUN ?? 'adhoc'}_${randomBytes(6).toString('hex')}`;
    const storage = openStorage(process.env.TEST_DATABASE_URL!, { schema, poolSize: 1 });
    try {
      const pid = (await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(storage.db)).rows[0]!
        .pid;
      const admin = openStorage(process.env.TEST_DATABASE_URL!, { poolSize: 1 });
      await sql`SELECT pg_terminate_backend(${pid})`.execute(admin.db);
      await admin.close();
      // The terminated client's error event arrives while it sits idle in the pool.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const after = await sql<{ n: number }>`SELECT 1 AS n`.execute(storage.db);
      expect(after.rows).toEqual([{ n: 1 }]);
    } finally {
      await storage.close();
    }
  });
});
