import { Migrator, sql, type Migration, type MigrationProvider } from 'kysely';
import type { Storage } from './storage';
import * as m001 from './migrations/001_initial';
import * as m002 from './migrations/002_oauth';
import * as m003 from './migrations/003_hooks';
import * as m004 from './migrations/004_billing';
import * as m005 from './migrations/005_period_anchor';
import * as m006 from './migrations/006_stripe_subscriptions';
import * as m007 from './migrations/007_delivery_worker_lock';
import * as m008 from './migrations/008_call_lifecycle';
import * as m009 from './migrations/009_account_page';
import * as m010 from './migrations/010_ghl';
import * as m011 from './migrations/011_hardening';
import * as m012 from './migrations/012_test_events';
import * as m013 from './migrations/013_delivery_hot_path';
import * as m014 from './migrations/014_result_indexes';

/**
 * Migrations are listed in code rather than read from a folder, so the compiled server and ts-jest
 * see the same set. Add new ones at the end; never edit one that has shipped.
 */
export const migrations: Record<string, Migration> = {
  '001_initial': m001,
  '002_oauth': m002,
  '003_hooks': m003,
  '004_billing': m004,
  '005_period_anchor': m005,
  '006_stripe_subscriptions': m006,
  '007_delivery_worker_lock': m007,
  '008_call_lifecycle': m008,
  '009_account_page': m009,
  '010_ghl': m010,
  '011_hardening': m011,
  '012_test_events': m012,
  '013_delivery_hot_path': m013,
  '014_result_indexes': m014,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Any fixed number: the advisory lock that migrations of every schema of one database take. */
const MIGRATION_LOCK_KEY = 7_366_426_519;

/**
 * Runs fn while no other process or schema of this PostgreSQL database migrates. Kysely's migrator
 * first lists every table of every schema (pg_get_serial_sequence per column), and that listing
 * fails with "relation … does not exist" when another session alters or drops a table at that
 * moment: API processes starting together, or test files migrating schemas side by side. Kysely's
 * own migration lock is taken only after that listing. SQLite has one writer anyway.
 */
export async function withMigrationLock<T>(storage: Storage, fn: () => Promise<T>): Promise<T> {
  if (storage.engine !== 'postgres') return fn();
  // A session lock on a connection of its own, held while the migrator uses the pool's others.
  return storage.db.connection().execute(async (lockConnection) => {
    await sql`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`.execute(lockConnection);
    try {
      return await fn();
    } finally {
      await sql`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.execute(lockConnection);
    }
  });
}

export async function migrate(storage: Storage): Promise<string[]> {
  return withMigrationLock(storage, async () => {
    if (storage.schema) await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(storage.schema)}`.execute(storage.db);
    // Kysely looks for its migration tables in every schema unless told which: without this, a
    // PostgreSQL schema would see another schema's tables (tests run one schema each, in parallel).
    const migrator = new Migrator({ db: storage.db, provider, migrationTableSchema: storage.schema });
    const { error, results } = await migrator.migrateToLatest();
    if (error) throw error instanceof Error ? error : new Error(String(error));
    return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  });
}
