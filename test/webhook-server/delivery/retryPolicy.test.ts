import { decide, parseRetryAfter, withJitter } from '../../../webhook-server/src/delivery/retryPolicy';

const policy = { retrySchedule: [5_000, 300_000], retryAfterMaxMs: 3_600_000 };
const now = Date.parse('2026-01-01T00:00:00Z');

describe('retry policy', () => {
  test('when the receiver answers 2xx or 410, then delivered or gone whatever the attempt', () => {
    expect(decide({ statusCode: 204, durationMs: 1 }, 9, policy, now).outcome).toBe('delivered');
    expect(decide({ statusCode: 410, durationMs: 1 }, 1, policy, now).outcome).toBe('gone');
  });

  test('when attempts fail, then they follow the schedule with ±20% jitter and die after the last step', () => {
    const first = decide({ error: 'ECONNREFUSED', durationMs: 1 }, 1, policy, now);
    expect(first.outcome).toBe('retry');
    expect(first.nextAttemptAt! - now).toBeGreaterThanOrEqual(4_000);
    expect(first.nextAttemptAt! - now).toBeLessThanOrEqual(6_000);
    expect(decide({ statusCode: 302, durationMs: 1 }, 2, policy, now).outcome).toBe('retry');
    expect(decide({ statusCode: 500, durationMs: 1 }, 3, policy, now)).toEqual({ outcome: 'dead' });
  });

  test('when 429 or 503 carry Retry-After, then it is honoured up to the cap', () => {
    expect(decide({ statusCode: 503, retryAfter: '120', durationMs: 1 }, 1, policy, now).nextAttemptAt).toBe(
      now + 120_000,
    );
    expect(
      decide({ statusCode: 429, retryAfter: '999999', durationMs: 1 }, 1, policy, now).nextAttemptAt,
    ).toBe(now + 3_600_000);
    expect(parseRetryAfter(new Date(now + 90_000).toUTCString(), now)).toBe(90_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });

  test('when jitter is at its extremes, then the wait stays within ±20%', () => {
    expect(withJitter(1000, () => 0)).toBe(800);
    expect(withJitter(1000, () => 1)).toBe(1200);
  });
});
