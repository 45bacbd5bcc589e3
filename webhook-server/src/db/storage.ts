import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type SqliteDatabase,
} from 'kysely';
import pg from 'pg';
import { announceDeliveriesOverPostgres } from '../domain/hooks/pgAnnouncer';
import { PreparingClient } from './pgPreparedStatements';
import { configureConnection } from './sqliteConnection';
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
  /** SQLite only: the database file's absolute path (undefined in memory), for connections of other threads. */
  sqliteFile?: string;
  /**
   * PostgreSQL only: a pool of its own on the same database and schema, whose sessions run with
   * `settings` (the delivery queue's, see delivery/pgQueue.ts). The caller destroys it.
   */
  openPool?(options: { poolSize: number; settings: Record<string, string> }): Kysely<Database>;
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
    const open = (poolSize: number, settings: Record<string, string> = {}) =>
      openPostgres(databaseUrl, poolSize, {
        ...settings,
        ...(options.schema ? { search_path: options.schema } : {}),
      });
    const db = open(options.poolSize ?? 10);
    // Deliveries this process commits wake the workers of every process.
    const stopAnnouncing = announceDeliveriesOverPostgres(databaseUrl);
    return {
      db,
      engine: 'postgres',
      schema: options.schema,
      openPool: ({ poolSize, settings }) => open(poolSize, settings),
      close: async () => {
        await stopAnnouncing();
        await db.destroy();
      },
    };
  }
  if (databaseUrl.startsWith('sqlite:')) {
    const file = databaseUrl.slice('sqlite:'.length);
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const sqlite = new SQLite(file);
    configureConnection(sqlite);
    const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect(sqlite) });
    const sqliteFile = file === ':memory:' || file === '' ? undefined : path.resolve(file);
    return { db, engine: 'sqlite', sqlite, sqliteFile, close: () => db.destroy() };
  }
  throw new Error(
    'DATABASE_URL must start with postgres://, postgresql:// or sqlite: (for example sqlite:./data/atlas.sqlite)',
  );
}

/** A pool whose sessions start with `settings` (sent as the startup packet's options, no round trip). */
function openPostgres(databaseUrl: string, max: number, settings: Record<string, string>): Kysely<Database> {
  const startup = Object.entries(settings).map(([name, value]) => `-c ${name}=${value}`);
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max,
    ...(startup.length ? { options: startup.join(' ') } : {}),
    Client: PreparingClient,
  });
  // An idle connection closed by the server (a restart, pg_terminate_backend, a proxy's timeout)
  // is an 'error' event on the pool, and an event without a listener ends the process. The pool
  // has already dropped that client and the next query opens a new one; a query's own error still
  // reaches its caller.
  pool.on('error', () => undefined);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * Kysely's SQLite transactions, but BEGIN IMMEDIATE: the write lock is taken at the start. Another
 * connection writes to the same file (the delivery thread, a CLI, a worker process), and a deferred
 * transaction that read before that connection's commit fails with SQLITE_BUSY when it then writes;
 * an immediate one waits for the lock (busy_timeout) instead.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  private readonly database: SqliteDatabase;

  constructor(sqlite: SQLite.Database) {
    const database = withStatementCache(sqlite);
    super({ database });
    this.database = database;
  }

  override createDriver(): SqliteDriver {
    return new ImmediateSqliteDriver({ database: this.database });
  }
}

/** Prepared statements kept per connection, by SQL text, least recently used first out. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * The connection as Kysely sees it, with prepared statements kept by SQL text: Kysely's SQLite
 * driver prepares every query it runs, and preparing (SQLite parsing and planning the statement)
 * was an eighth of the API thread's time when recording events. SQLite re-prepares a kept
 * statement itself when the schema changes. A statement still busy (a query being streamed) is
 * not handed out twice: the caller gets a new one.
 */
export function withStatementCache(sqlite: SQLite.Database, size = STATEMENT_CACHE_SIZE): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      const kept = statements.get(sql);
      if (kept && !kept.busy) {
        statements.delete(sql);
        statements.set(sql, kept);
        return kept;
      }
      const statement = sqlite.prepare(sql);
      if (kept) return statement;
      if (statements.size >= size) statements.delete(statements.keys().next().value!);
      statements.set(sql, statement);
      return statement;
    },
  };
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}
