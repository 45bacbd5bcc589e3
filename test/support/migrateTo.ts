import { Migrator, type MigrationProvider } from 'kysely';
import { migrations, withMigrationLock } from '../../webhook-server/src/db/migrate';
import type { TestStorage } from './engines';

/**
 * Moves a test database to the schema after migration `name` (down or up), or to the latest one,
 * under the migration lock as a deploy would: what a migration test runs to write rows under an
 * older schema and then migrate over them. Returns the migrator's error, undefined on success.
 */
export async function migrateTo(store: TestStorage, name?: string): Promise<unknown> {
  const provider: MigrationProvider = { getMigrations: async () => migrations };
  const migrator = new Migrator({ db: store.storage.db, provider, migrationTableSchema: store.schema });
  const result = await withMigrationLock(store.storage, () =>
    name ? migrator.migrateTo(name) : migrator.migrateToLatest(),
  );
  return result.error;
}
