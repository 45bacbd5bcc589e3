import type { ClaimedRow, ClaimRequest, FinishedAttempt } from './queue';
import { WorkerLockLostError } from './workerLock';

/**
 * What the SQLite delivery database thread (sqliteDeliveryThread.ts) and the queue's side of it
 * (sqliteDeliveryThreadClient.ts) exchange. Each message to the thread is an array of requests:
 * each message wakes the thread, so requests that can wait travel with the next one.
 */

/** The thread's workerData. */
export interface DeliveryThreadData {
  file: string;
  workerId: string;
  /** Claim only while workerId holds the delivery worker lock. */
  requireLock: boolean;
}

export type DeliveryThreadRequest =
  | ({ kind: 'claim'; id: number } & ClaimRequest)
  /** Attempts with no writes outside the deliveries and their attempts (see SqliteDeliveryQueue.finish). */
  | { kind: 'record'; id: number; attempts: FinishedAttempt[]; updatedAt: string }
  /** Answered once the thread has its connection and statements: it is ready to claim. */
  | { kind: 'ping'; id: number }
  /** Close the connection and exit, once what came before is done. */
  | { kind: 'close' };

export type DeliveryThreadReply =
  | { kind: 'claimed'; id: number; rows: ClaimedRow[] }
  | { kind: 'recorded'; id: number }
  | { kind: 'ready'; id: number }
  | { kind: 'failed'; id: number; error: ThreadError };

/** The reply each request with an id gets when it succeeds (otherwise: failed). */
export interface SuccessReplies {
  claim: 'claimed';
  record: 'recorded';
  ping: 'ready';
}

/** An error as it crosses the thread boundary (its class does not survive structured cloning). */
export interface ThreadError {
  name: string;
  message: string;
  /** better-sqlite3's SQLITE_* code, when SQLite raised it. */
  code?: string;
}

/**
 * In the thread: what is sent of an error. Read by shape, not instanceof: an error made in another
 * realm (a native module's, a VM context's) is no instance of this realm's Error.
 */
export function toThreadError(err: unknown): ThreadError {
  const { name, message, code } = (typeof err === 'object' && err !== null ? err : {}) as Record<
    string,
    unknown
  >;
  if (typeof message !== 'string') return { name: 'Error', message: String(err) };
  return {
    name: typeof name === 'string' ? name : 'Error',
    message,
    ...(typeof code === 'string' ? { code } : {}),
  };
}

/** In the queue: the error a failed reply stands for; a lost worker lock is a WorkerLockLostError again. */
export function fromThreadError(error: ThreadError): Error {
  if (error.name === 'WorkerLockLostError') return new WorkerLockLostError();
  return Object.assign(new Error(error.message), error.code === undefined ? {} : { code: error.code });
}
