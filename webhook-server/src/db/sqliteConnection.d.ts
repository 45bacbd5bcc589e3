import type SQLite from 'better-sqlite3';

/** The pragmas every connection to an Atlas SQLite file uses (WAL, foreign keys, busy timeout). */
export function configureConnection(sqlite: SQLite.Database): void;

/** A worker thread's own connection to an existing database file, at background priority (Linux: nice +10). */
export function openThreadConnection(file: string): SQLite.Database;
