// How every connection to an Atlas SQLite file is set up: the API's (storage.ts) and those of the
// worker threads (the delivery thread, the checkpoint thread).
import os from 'node:os';
import SQLite from 'better-sqlite3';

/** The pragmas every connection to an Atlas SQLite file uses (WAL, foreign keys, busy timeout). */
export function configureConnection(sqlite: SQLite.Database): void {
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
}

/**
 * On Linux a thread has its own nice value: the calling one runs at 10 above the process's, so
 * waking it does not preempt the HTTP thread, and on a busy machine the HTTP thread and the API get
 * the CPU first. The cost falls on background work only (claims, records, checkpoints): under full
 * load it slows down, never API requests. Elsewhere the call would renice the whole process, so it
 * is not made.
 */
function yieldToOtherThreads(): void {
  if (process.platform !== 'linux') return;
  try {
    os.setPriority(Math.min(19, os.getPriority() + 10));
  } catch {
    // Not allowed here (a sandbox): run at the process's priority.
  }
}

/** A worker thread's own connection to an existing database file, at background priority. */
export function openThreadConnection(file: string): SQLite.Database {
  yieldToOtherThreads();
  const sqlite = new SQLite(file, { fileMustExist: true });
  configureConnection(sqlite);
  return sqlite;
}
