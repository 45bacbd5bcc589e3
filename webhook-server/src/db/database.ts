import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema';

export type Engine = 'sqlite' | 'postgres';

export interface Storage {
  db: Kysely<Database>;
  engine: Engine;
  /** PostgreSQL only: the schema this storage lives in, created by migrate(). */
  schema?: string;
  /**
   * SQLite only: the better-sqlite3 handle under db, for the delivery worker's few hot statements
   * (prepared once, no query building). Use it only inside db.connection().execute(), which holds
   * Kysely's single-connection lock, so a raw statement never runs inside another caller's transaction.
   */
  sqlite?: SQLite.Database;
  close(): Promise<void>;
}

/** Pool sizes stay small: the machine this runs on is expected to be modest and SQLite has one writer. */
export interface StorageOptions {
  /** PostgreSQL only: the schema to use (created if missing). Tests use one per run. */
  schema?: string;
  poolSize?: number;
}

// PostgreSQL returns COUNT and SUM as strings (int8); our counters fit in int4 ranges, so parse them.
pg.types.setTypeParser(20, (value: string) => Number.parseInt(value, 10));

export function openStorage(databaseUrl: string, options: StorageOptions = {}): Storage {
  if (databaseUrl.startsWith('postgres://') || databaseUrl.startsWith('postgresql://')) {
    const searchPath = options.schema ? `-c search_path=${options.schema}` : undefined;
    const pool = new pg.Pool({
      connectionString: databaseUrl,
      max: options.poolSize ?? 10,
      options: searchPath,
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, engine: 'postgres', schema: options.schema, close: () => db.destroy() };
  }
  if (databaseUrl.startsWith('sqlite:')) {
    const file = databaseUrl.slice('sqlite:'.length);
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    return { db, engine: 'sqlite', sqlite, close: () => db.destroy() };
  }
  throw new Error(
    'DATABASE_URL must start with postgres://, postgresql:// or sqlite: (for example sqlite:./data/atlas.sqlite)',
  );
}
