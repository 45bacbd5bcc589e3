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
  /** Development and tests only: lets hooks reach private and loopback addresses, over http too. */
  allowPrivateHookUrls: boolean;
}

type Env = Record<string, string | undefined>;

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
    worker: flag(env, 'DELIVERY_WORKER', true, problems),
    retrySchedule: retrySchedule.map((ms) => ms ?? 0),
    timeoutMs: duration(env, 'DELIVERY_TIMEOUT', '15s', problems),
    retryAfterMaxMs: duration(env, 'DELIVERY_RETRY_AFTER_MAX', '1h', problems),
    concurrency: count(env, 'DELIVERY_CONCURRENCY', 32, problems),
    concurrencyPerUrl: count(env, 'DELIVERY_CONCURRENCY_PER_URL', 8, problems),
    allowPrivateHookUrls: flag(env, 'ATLAS_ALLOW_PRIVATE_HOOK_URLS', false, problems),
  };
}

function duration(env: Env, name: string, fallback: string, problems: string[]): number {
  const raw = env[name] || fallback;
  const ms = parseDuration(raw);
  if (ms === undefined || ms <= 0) {
    problems.push(`${name} must be a duration such as ${fallback}, 500ms or 2m (got "${raw}")`);
    return parseDuration(fallback) ?? 0;
  }
  return ms;
}

function count(env: Env, name: string, fallback: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 1000) {
    problems.push(`${name} must be a whole number from 1 to 1000 (got "${raw}")`);
    return fallback;
  }
  return value;
}

function flag(env: Env, name: string, fallback: boolean, problems: string[]): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  problems.push(`${name} must be true or false (got "${raw}")`);
  return fallback;
}
