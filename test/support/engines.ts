import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openStorage, type Engine, type Storage } from '../../webhook-server/src/db/storage';
import { migrate } from '../../webhook-server/src/db/migrate';

const postgresUrl = process.env.TEST_DATABASE_URL;

/**
 * Engines the storage tests run on: SQLite always, PostgreSQL when TEST_DATABASE_URL is set. The
 * run's one line about a skip comes from globalSetup (requirements.js), not from each file.
 */
export function testEngines(): Engine[] {
  return postgresUrl ? ['sqlite', 'postgres'] : ['sqlite'];
}

export interface TestStorage {
  storage: Storage;
  databaseUrl: string;
  schema?: string;
  /** Closes the storage (on PostgreSQL the schema stays until the run's global teardown). */
  destroy(): Promise<void>;
}

/**
 * A fresh, migrated database: a SQLite file in a temporary directory (as the server runs it: WAL,
 * and the delivery worker's own connection in its database thread), or a throwaway PostgreSQL schema.
 */
export async function freshStorage(engine: Engine): Promise<TestStorage> {
  if (engine === 'postgres') {
    if (!postgresUrl) throw new Error('TEST_DATABASE_URL is required for PostgreSQL tests');
    // Named after the run; test/support/globalTeardown.js drops them all once every file is done.
    const schema = `t_${process.env.ATLAS_TEST_RUN ?? 'adhoc'}_${randomBytes(6).toString('hex')}`;
    const storage = openStorage(postgresUrl, { schema, poolSize: 5 });
    await migrate(storage);
    return {
      storage,
      databaseUrl: postgresUrl,
      schema,
      destroy: () => storage.close(),
    };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'atlas-test-'));
  const databaseUrl = `sqlite:${path.join(dir, 'atlas.sqlite')}`;
  const storage = openStorage(databaseUrl);
  await migrate(storage);
  return {
    storage,
    databaseUrl,
    destroy: async () => {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
