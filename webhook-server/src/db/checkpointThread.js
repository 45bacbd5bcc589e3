'use strict';
// The entry of the SQLite checkpoint thread (see checkpointer.ts): plain JavaScript, since a worker
// thread loads its file as it is, from the TypeScript sources (tests, tsx) as from dist/.
const { setInterval, clearInterval } = require('node:timers');
const { isMainThread, parentPort, workerData } = require('node:worker_threads');

/**
 * Copies the write-ahead log into the database file every interval, on a connection of its own.
 * PASSIVE: it never waits for readers or writers, and neither waits for it; what it cannot copy
 * now it copies next time.
 */
function serveCheckpoints() {
  const { openThreadConnection } = require('./sqliteConnection');
  const sqlite = openThreadConnection(workerData.file);
  const timer = setInterval(() => {
    try {
      sqlite.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Locked or busy this time (another connection is checkpointing): the next interval tries again.
    }
  }, workerData.intervalMs);
  parentPort.on('message', (message) => {
    if (message !== 'close') return;
    clearInterval(timer);
    sqlite.close();
    parentPort.close();
  });
  parentPort.postMessage('ready');
}

if (!isMainThread && workerData && workerData.atlasCheckpointThread) serveCheckpoints();
