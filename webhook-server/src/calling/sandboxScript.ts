import type { CallStatus } from '../../../schemas/generated/types';
import type { CallRow } from '../db/schema';

/**
 * The sandbox dialer's test numbers: like Stripe's test cards, each gives one outcome, always.
 * Any other number is answered. Documented in docs/calls.md.
 */
export const SANDBOX_NUMBERS = {
  noAnswer: '+15005550001',
  busy: '+15005550002',
  failed: '+15005550003',
  longCall: '+15005550004',
  /** Rings for an hour before giving up (no_answer): time enough to try cancel. */
  ringsForAnHour: '+15005550005',
} as const;

/** An answered call lasts this long unless parameters.sandboxDurationSeconds says otherwise. */
export const DEFAULT_DURATION_SECONDS = 95;
/** The long-call number talks for 45 minutes (or until the account's call time runs out). */
export const LONG_CALL_SECONDS = 45 * 60;
/** Seconds of ringing before the call is answered (or refused: busy, failed). */
export const RING_SECONDS = 1;
/** Seconds of ringing before an unanswered call gives up. */
export const NO_ANSWER_RING_SECONDS = 15;
export const LONG_RING_SECONDS = 60 * 60;

export type SandboxOutcome =
  | { kind: 'answered'; durationSeconds: number }
  | {
      kind: 'unanswered';
      status: Extract<CallStatus, 'no_answer' | 'busy' | 'failed'>;
      failureReason?: string;
    };

/** What happens to a call, from its number and parameters alone; never longer than maxSeconds. */
export function outcomeOf(
  call: Pick<CallRow, 'phone_number' | 'parameters'>,
  maxSeconds: number,
): SandboxOutcome {
  switch (call.phone_number) {
    case SANDBOX_NUMBERS.noAnswer:
    case SANDBOX_NUMBERS.ringsForAnHour:
      return { kind: 'unanswered', status: 'no_answer' };
    case SANDBOX_NUMBERS.busy:
      return { kind: 'unanswered', status: 'busy' };
    case SANDBOX_NUMBERS.failed:
      return {
        kind: 'unanswered',
        status: 'failed',
        failureReason: `The sandbox dialer fails every call to ${SANDBOX_NUMBERS.failed} (a test number).`,
      };
    case SANDBOX_NUMBERS.longCall:
      return { kind: 'answered', durationSeconds: Math.min(LONG_CALL_SECONDS, maxSeconds) };
    default:
      return { kind: 'answered', durationSeconds: Math.min(requestedSeconds(call.parameters), maxSeconds) };
  }
}

function requestedSeconds(parametersJson: string): number {
  const raw = (JSON.parse(parametersJson) as Record<string, string>).sandboxDurationSeconds;
  const seconds = Number(raw);
  return raw !== undefined && /^\d+$/.test(raw.trim()) && seconds >= 1 && seconds <= 86_400
    ? seconds
    : DEFAULT_DURATION_SECONDS;
}

/** Seconds from dialling to the answer (or to the end of an unanswered call). */
export function ringSeconds(call: Pick<CallRow, 'phone_number'>, outcome: SandboxOutcome): number {
  if (call.phone_number === SANDBOX_NUMBERS.ringsForAnHour) return LONG_RING_SECONDS;
  return outcome.kind === 'unanswered' && outcome.status === 'no_answer'
    ? NO_ANSWER_RING_SECONDS
    : RING_SECONDS;
}

const MAX_MENTIONED_PARAMETERS = 5;
const MAX_MENTIONED_LENGTH = 200;

export interface Conversation {
  summary: string;
  transcript: string;
  recordingUrl: string;
}

/** A plausible conversation about the call's parameters, so Zaps have realistic fields to map. */
export function conversationOf(call: Pick<CallRow, 'id' | 'customer_name' | 'parameters'>): Conversation {
  const name = call.customer_name ?? 'there';
  const details = Object.entries(JSON.parse(call.parameters) as Record<string, string>)
    .filter(([key]) => key !== 'sandboxDurationSeconds')
    // A few short mentions read like a conversation; fifty long values would not.
    .slice(0, MAX_MENTIONED_PARAMETERS)
    .map(([key, value]) => `${key.replace(/_/g, ' ')}: ${value.slice(0, MAX_MENTIONED_LENGTH)}`);
  const about = details.length ? details.join(', ') : 'your recent enquiry';
  const transcript = [
    `Agent: Hi ${name}, this is the Atlas assistant. I'm calling about ${about}.`,
    `${call.customer_name ?? 'Customer'}: Oh hi, yes, thanks for calling.`,
    'Agent: Does that still work for you?',
    `${call.customer_name ?? 'Customer'}: Yes, that works. See you then.`,
    'Agent: Great, you are all set. Have a good day!',
  ].join('\n');
  return {
    summary: `Reached ${call.customer_name ?? 'the customer'} and confirmed ${about}. (Sandbox call: no real call was placed.)`,
    transcript,
    recordingUrl: `https://recordings.sandbox.atlas-connect.dev/${encodeURIComponent(call.id)}.mp3`,
  };
}
