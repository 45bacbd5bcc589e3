import type { CallStatus } from '../../../schemas/generated/types';
import { conflict } from './errors';

/** Every status a call can have, in lifecycle order (the CallStatus schema's enum). */
export const CALL_STATUSES: readonly CallStatus[] = [
  'queued',
  'dispatched',
  'in_progress',
  'completed',
  'no_answer',
  'busy',
  'failed',
  'canceled',
];

/** Statuses a call ends in; a call that reached one never moves again. */
export const FINAL_STATUSES: readonly CallStatus[] = ['completed', 'no_answer', 'busy', 'failed', 'canceled'];

/** Statuses a call may still be canceled from: nobody has picked up yet. */
export const CANCELABLE_STATUSES: readonly CallStatus[] = ['queued', 'dispatched'];

/**
 * The lifecycle: queued → dispatched → in_progress → a final status. A step may be skipped (the
 * platform may report a call started before its dispatch was acknowledged, or a call that never
 * connected), never taken back. A connected call cannot be canceled: someone is on the line.
 */
const NEXT: Record<CallStatus, readonly CallStatus[]> = {
  queued: ['dispatched', 'in_progress', 'completed', 'no_answer', 'busy', 'failed', 'canceled'],
  dispatched: ['in_progress', 'completed', 'no_answer', 'busy', 'failed', 'canceled'],
  in_progress: ['completed', 'no_answer', 'busy', 'failed'],
  completed: [],
  no_answer: [],
  busy: [],
  failed: [],
  canceled: [],
};

export function isCallStatus(value: unknown): value is CallStatus {
  return CALL_STATUSES.includes(value as CallStatus);
}

export function isFinalStatus(status: CallStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

export function canMove(from: CallStatus, to: CallStatus): boolean {
  return NEXT[from].includes(to);
}

/** Refuses a transition the lifecycle does not allow, with a 409 that names the current status. */
export function assertCanMove(callId: string, from: CallStatus, to: CallStatus): void {
  if (canMove(from, to)) return;
  throw conflict(`Call ${callId} is ${from}; it cannot become ${to}.`, [
    { field: 'status', message: `is ${from}` },
  ]);
}
