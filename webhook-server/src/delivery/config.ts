import { readBoolean, readInteger, type Env } from '../envVars';

export interface DeliveryConfig {
  /** Run the delivery worker inside `serve` (DELIVERY_WORKER). */
  worker: boolean;
  /** Waits before each retry, in ms; after the last one the delivery is dead. */
  retrySchedule: number[];
  timeoutMs: number;
  /** Longest Retry-After honoured, in ms; a longer one is cut to this. */
  retryAfterMaxMs: number;
  concurrency: number;
  concurrencyPerUrl: number;
  /**
   * SQLite only: a worker lock whose heartbeat is older than this may be taken over
   * (DELIVERY_LOCK_TIMEOUT); the holder renews it every third of it.
   */
  lockTimeoutMs: number;
  /** Development and tests only: lets hooks reach private and loopback addresses, over http too. */
  allowPrivateHookUrls: boolean;
}

export const DEFAULT_RETRY_SCHEDULE = '5s,5m,30m,2h,5h,10h,10h';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "250ms", "5s", "30m", "2h" → milliseconds; undefined when not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)(ms|s|m|h)$/.exec(text.trim());
  if (!match?.[1] || !match[2]) return undefined;
  return Number(match[1]) * (UNIT_MS[match[2]] ?? 0);
}

/** Reads the DELIVERY_* variables; problems are added to the list loadConfig reports together. */
export function loadDeliveryConfig(env: Env, problems: string[]): DeliveryConfig {
  const scheduleText = env.DELIVERY_RETRY_SCHEDULE || DEFAULT_RETRY_SCHEDULE;
  const retrySchedule = scheduleText.split(',').map(parseDuration);
  if (retrySchedule.some((ms) => ms === undefined)) {
    problems.push(
      `DELIVERY_RETRY_SCHEDULE must be comma-separated durations such as ${DEFAULT_RETRY_SCHEDULE} (got "${scheduleText}")`,
    );
  }
  return {
    worker: readBoolean(env, 'DELIVERY_WORKER', true, problems),
    retrySchedule: retrySchedule.map((ms) => ms ?? 0),
    timeoutMs: duration(env, 'DELIVERY_TIMEOUT', '15s', problems),
    retryAfterMaxMs: duration(env, 'DELIVERY_RETRY_AFTER_MAX', '1h', problems),
    lockTimeoutMs: duration(env, 'DELIVERY_LOCK_TIMEOUT', '15s', problems),
    concurrency: readInteger(env, 'DELIVERY_CONCURRENCY', 32, 1, 1000, problems),
    concurrencyPerUrl: readInteger(env, 'DELIVERY_CONCURRENCY_PER_URL', 8, 1, 1000, problems),
    allowPrivateHookUrls: readBoolean(env, 'ATLAS_ALLOW_PRIVATE_HOOK_URLS', false, problems),
  };
}

export function duration(env: Env, name: string, fallback: string, problems: string[]): number {
  const raw = env[name] || fallback;
  const ms = parseDuration(raw);
  if (ms === undefined || ms <= 0) {
    problems.push(`${name} must be a duration such as ${fallback}, 500ms or 2m (got "${raw}")`);
    return parseDuration(fallback) ?? 0;
  }
  return ms;
}
