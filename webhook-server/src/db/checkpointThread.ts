// The entry of the SQLite checkpoint thread, started by checkpointer.ts.
import { clearInterval, setInterval } from 'node:timers';
import { parentPort, workerData } from 'node:worker_threads';
import type { CheckpointReply, CheckpointRequest, CheckpointThreadData } from './checkpointProtocol';
import { openThreadConnection } from './sqliteConnection';

/**
 * Copies the write-ahead log into the database file every interval, on a connection of its own.
 * PASSIVE: it never waits for readers or writers, and neither waits for it; what it cannot copy
 * now it copies next time.
 */
function serveCheckpoints(port: NonNullable<typeof parentPort>, data: CheckpointThreadData): void {
  const sqlite = openThreadConnection(data.file);
  const timer = setInterval(() => {
    try {
      sqlite.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Locked or busy this time (another connection is checkpointing): the next interval tries again.
    }
  }, data.intervalMs);
  port.on('message', (request: CheckpointRequest) => {
    if (request.kind !== 'close') return;
    clearInterval(timer);
    sqlite.close();
    port.close();
  });
  const ready: CheckpointReply = { kind: 'ready' };
  port.postMessage(ready);
}

if (!parentPort) throw new Error('checkpointThread runs as a worker thread (see checkpointer.ts)');
serveCheckpoints(parentPort, workerData as CheckpointThreadData);
