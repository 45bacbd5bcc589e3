import type { Clock } from '../domain/clock';
import type { Db } from '../domain/db';
import { dispatchDelivered, dispatchFailed } from '../domain/callDispatch';
import type { FinishedAttempt } from './queue';

/**
 * What a finished attempt at the calling platform means for its call, written in the transaction
 * that records the attempt: a delivered dispatch moves the call to dispatched; a dispatch that
 * will not be retried (dead, or 410 Gone) fails the call. Cancel requests change nothing further.
 */
export async function settlePlatformAttempt(
  db: Db,
  clock: Clock,
  callId: string,
  attempt: Pick<FinishedAttempt, 'deliveryId' | 'outcome' | 'error'>,
): Promise<void> {
  if (attempt.outcome === 'retry') return;
  if (attempt.outcome === 'delivered') await dispatchDelivered(db, clock, callId, attempt.deliveryId);
  else await dispatchFailed(db, clock, callId, attempt.deliveryId, attempt.error ?? 'no answer');
}
