import path from 'node:path';
import type { Logger } from 'pino';
import type { CheckpointReply, CheckpointRequest, CheckpointThreadData } from './checkpointProtocol';
import { startThread } from './startThread';
import type { Storage } from './storage';

/** SQLite's own default: a connection checkpoints when its commit leaves 1000 pages in the WAL. */
const AUTOCHECKPOINT_PAGES = 1000;
const CHECKPOINT_INTERVAL_MS = 200;

export interface Checkpointer {
  /** Ready: the thread has its connection open. */
  ready: Promise<void>;
  /** Stops the thread; the API connection checkpoints its own commits again. */
  stop(): Promise<void>;
}

/**
 * On a SQLite file, WAL checkpoints (copying the log into the database and syncing it to disk)
 * run in a thread of their own instead of inside whichever API commit crosses SQLite's threshold:
 * measured under load, those commits took 6 ms on average and up to 57 ms, with the event loop
 * blocked meanwhile. While the thread runs, the API connection does not checkpoint; if the thread
 * stops or dies, it does again. Other connections (the delivery thread, a CLI, another process)
 * keep SQLite's default; with the log checkpointed every 200 ms they seldom reach it.
 * In memory, or on PostgreSQL, there is nothing to do: undefined.
 */
export function startCheckpointer(
  storage: Storage,
  logger: Logger,
  intervalMs = CHECKPOINT_INTERVAL_MS,
): Checkpointer | undefined {
  const sqlite = storage.sqlite;
  if (!sqlite || !storage.sqliteFile) return undefined;
  const workerData: CheckpointThreadData = { file: storage.sqliteFile, intervalMs };
  const thread = startThread(path.join(__dirname, 'checkpointThread'), { workerData });
  thread.unref();
  sqlite.pragma('wal_autocheckpoint = 0');
  const exited = new Promise<void>((resolve) =>
    thread.once('exit', () => {
      if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
      resolve();
    }),
  );
  const ready = new Promise<void>((resolve) => {
    thread.once('message', (reply: CheckpointReply) => {
      if (reply.kind === 'ready') resolve();
    });
    void exited.then(() => resolve());
  });
  let stopping = false;
  thread.on('error', (err) => {
    if (!stopping)
      logger.warn({ err }, 'the SQLite checkpoint thread failed; the API connection checkpoints again');
  });
  return {
    ready,
    async stop() {
      stopping = true;
      // Unreferenced, the thread would not keep the process alive while it is awaited here.
      thread.ref();
      const close: CheckpointRequest = { kind: 'close' };
      thread.postMessage(close);
      await exited;
    },
  };
}
