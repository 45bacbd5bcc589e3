import type { CallRow } from '../db/schema';
import type { Db } from './db';

/**
 * The calling platform as the domain sees it (adapters in calling/). Both hooks run inside the
 * transaction that changes the call, so a call is handed over exactly when it is queued, and a
 * cancel reaches the platform exactly when it is recorded: nothing is lost between the two.
 */
export interface CallingPlatform {
  /** A call was queued. remainingSeconds is the account's call time left, the most it may last. */
  callQueued(db: Db, call: CallRow, remainingSeconds: number): Promise<void>;
  /** A queued or dispatched call was canceled. */
  callCanceled(db: Db, call: CallRow): Promise<void>;
}
