import type { AttemptResult } from './sender';

export type AttemptOutcome = 'delivered' | 'retry' | 'dead' | 'gone';

/** A delivery's status after an attempt with this outcome. */
export function deliveryStatusAfter(outcome: AttemptOutcome): 'delivered' | 'pending' | 'cancelled' | 'dead' {
  if (outcome === 'delivered') return 'delivered';
  if (outcome === 'retry') return 'pending';
  return outcome === 'gone' ? 'cancelled' : 'dead';
}

export interface RetryPolicy {
  retrySchedule: number[];
  retryAfterMaxMs: number;
}

export interface Decision {
  outcome: AttemptOutcome;
  /** When to try again (epoch ms), for outcome 'retry'. */
  nextAttemptAt?: number;
}

/** ±20% so retries of many deliveries that failed together do not arrive together. */
export function withJitter(ms: number, random: () => number = Math.random): number {
  return Math.round(ms * (0.8 + 0.4 * random()));
}

/** Retry-After as seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/**
 * What an attempt means: 2xx delivered; 410 Gone removes the subscription; after the last retry
 * of the schedule the delivery is dead; 429 and 503 wait for their Retry-After (capped);
 * everything else waits for the schedule's next step. `attemptNumber` counts this attempt (1 = first).
 */
export function decide(
  result: AttemptResult,
  attemptNumber: number,
  policy: RetryPolicy,
  nowMs: number,
): Decision {
  const status = result.statusCode;
  if (status !== undefined && status >= 200 && status < 300) return { outcome: 'delivered' };
  if (status === 410) return { outcome: 'gone' };
  const scheduled = policy.retrySchedule[attemptNumber - 1];
  if (scheduled === undefined) return { outcome: 'dead' };
  const retryAfter = status === 429 || status === 503 ? parseRetryAfter(result.retryAfter, nowMs) : undefined;
  const waitMs =
    retryAfter !== undefined ? Math.min(retryAfter, policy.retryAfterMaxMs) : withJitter(scheduled);
  return { outcome: 'retry', nextAttemptAt: nowMs + waitMs };
}
