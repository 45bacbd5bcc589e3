/** What the SQLite checkpoint thread (checkpointThread.ts) and its starter (checkpointer.ts) exchange. */

/** The thread's workerData. */
export interface CheckpointThreadData {
  file: string;
  intervalMs: number;
}

/** To the thread: stop checkpointing, close the connection and exit. */
export type CheckpointRequest = { kind: 'close' };

/** From the thread: its connection is open and the first interval is scheduled. */
export type CheckpointReply = { kind: 'ready' };
