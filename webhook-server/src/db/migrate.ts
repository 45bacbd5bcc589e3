import { Migrator, sql, type Migration, type MigrationProvider } from 'kysely';
import type { Storage } from './database';
import * as m001 from './migrations/001_initial';
import * as m002 from './migrations/002_oauth';
import * as m003 from './migrations/003_hooks';
import * as m004 from './migrations/004_billing';
import * as m005 from './migrations/005_period_anchor';
import * as m006 from './migrations/006_stripe_subscriptions';
import * as m007 from './migrations/007_delivery_worker_lock';
import * as m011 from './migrations/011_hardening';

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
  '011_hardening': m011,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrate(storage: Storage): Promise<string[]> {
  if (storage.schema) await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(storage.schema)}`.execute(storage.db);
  // Kysely looks for its migration tables in every schema unless told which: without this, a
  // PostgreSQL schema would see another schema's tables (tests run one schema each, in parallel).
  const migrator = new Migrator({ db: storage.db, provider, migrationTableSchema: storage.schema });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
