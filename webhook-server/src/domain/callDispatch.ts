import { lockCall, markDispatched, markEnded } from './callProgress';
import type { Clock } from './clock';
import type { Db } from './db';

/*
 * Requests to the calling platform are outbox rows like events (trigger names below, never
 * subscribable, so no hook receives them) with one delivery each, marked with the call's id:
 * the delivery engine sends them with its retries, dead-lettering and replay.
 */
export const PLATFORM_DISPATCH = 'platform_call_dispatch';
export const PLATFORM_CANCEL = 'platform_call_cancel';
/** The opening of failureReason when the platform never took the call; a replayed dispatch may revive it. */
export const DISPATCH_FAILURE = 'The calling platform could not be reached';

async function requestKind(db: Db, deliveryId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('deliveries as d')
    .innerJoin('events as e', 'e.id', 'd.event_id')
    .select('e.trigger_name')
    .where('d.id', '=', deliveryId)
    .executeTakeFirst();
  return row?.trigger_name;
}

/**
 * The platform accepted a dispatch: the call is dispatched. A call that had failed because its
 * dispatch died is revived when an operator replays that dispatch and it gets through.
 */
export async function dispatchDelivered(db: Db, clock: Clock, callId: string, deliveryId: string) {
  if ((await requestKind(db, deliveryId)) !== PLATFORM_DISPATCH) return;
  const call = await lockCall(db, callId);
  if (!call) return;
  if (call.status === 'queued') {
    await markDispatched(db, clock, call);
  } else if (call.status === 'failed' && call.failure_reason?.startsWith(DISPATCH_FAILURE)) {
    await db
      .updateTable('calls')
      .set({
        status: 'dispatched',
        failure_reason: null,
        duration_seconds: null,
        completed_at: null,
        updated_at: clock.now().toISOString(),
      })
      .where('id', '=', callId)
      .execute();
  }
}

/** A dispatch the engine gave up on: the call fails, and call_completed tells the Zap why. */
export async function dispatchFailed(
  db: Db,
  clock: Clock,
  callId: string,
  deliveryId: string,
  error: string,
) {
  if ((await requestKind(db, deliveryId)) !== PLATFORM_DISPATCH) return;
  const call = await lockCall(db, callId);
  if (call?.status !== 'queued') return;
  await markEnded(db, clock, call, {
    status: 'failed',
    durationSeconds: 0,
    completedAt: clock.now().toISOString(),
    failureReason: `${DISPATCH_FAILURE} (${error}); the call was not placed.`,
  });
}
