import { sql } from 'kysely';
import type { Storage } from '../../../webhook-server/src/db/storage';

/**
 * Tables that change without the request changing anything a user sees: the rate limit counters
 * (a refused request still counts), migration bookkeeping and the SQLite worker lock heartbeat.
 */
const IGNORED = new Set([
  'api_rate_limits',
  'kysely_migration',
  'kysely_migration_lock',
  'delivery_worker_lock',
]);

export type Snapshot = Record<string, string[]>;

/**
 * This database's tables, read once. On PostgreSQL only this storage's schema is asked about: a
 * catalogue read that covers every schema fails when another test run drops its schemas meanwhile.
 */
async function tablesOf(storage: Storage): Promise<string[]> {
  const { rows } =
    storage.engine === 'postgres'
      ? await sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables
          WHERE table_schema = ${storage.schema ?? 'public'} AND table_type = 'BASE TABLE'`.execute(
          storage.db,
        )
      : await sql<{ name: string }>`SELECT name FROM sqlite_master
          WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`.execute(storage.db);
  return rows.map((row) => row.name).filter((name) => !IGNORED.has(name));
}

const tableLists = new WeakMap<Storage, Promise<string[]>>();

/** Every row of every table, each as JSON, sorted: two snapshots are equal when nothing changed. */
export async function snapshotTables(storage: Storage): Promise<Snapshot> {
  let tables = tableLists.get(storage);
  if (!tables) tableLists.set(storage, (tables = tablesOf(storage)));
  const names = await tables;
  if (storage.engine === 'postgres') {
    // One round trip for the whole database: each table's rows as a JSON array of row objects.
    const columns = names.map(
      (name) => sql`(SELECT coalesce(json_agg(r)::text, '[]') FROM ${sql.table(name)} r) AS ${sql.ref(name)}`,
    );
    const { rows } = await sql<Record<string, string>>`SELECT ${sql.join(columns)}`.execute(storage.db);
    const row = rows[0] ?? {};
    return Object.fromEntries(
      names.map((name) => [
        name,
        (JSON.parse(row[name] ?? '[]') as unknown[]).map((r) => JSON.stringify(r)).sort(),
      ]),
    );
  }
  const entries = await Promise.all(
    names.map(async (name) => {
      const rows = await storage.db
        .selectFrom(name as never)
        .selectAll()
        .execute();
      return [name, rows.map((row) => JSON.stringify(row)).sort()] as const;
    }),
  );
  return Object.fromEntries(entries);
}

/** The tables whose rows differ, with the rows added and removed. */
export function differences(
  before: Snapshot,
  after: Snapshot,
): Record<string, { added: string[]; removed: string[] }> {
  const changed: Record<string, { added: string[]; removed: string[] }> = {};
  for (const table of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a = new Set(before[table] ?? []);
    const b = new Set(after[table] ?? []);
    const added = [...b].filter((row) => !a.has(row));
    const removed = [...a].filter((row) => !b.has(row));
    if (added.length || removed.length) changed[table] = { added, removed };
  }
  return changed;
}
