import { parseDuration } from './delivery/config';
import { readInteger, type Env } from './envVars';

/** Requests one API credential may make per window; 0 turns the limit off. */
export interface ApiRateLimitConfig {
  /** API_RATE_LIMIT (default 1200). */
  points: number;
  /** API_RATE_LIMIT_WINDOW (default 60s). */
  windowSeconds: number;
}

export function loadApiRateLimit(env: Env, problems: string[]): ApiRateLimitConfig {
  const points = readInteger(env, 'API_RATE_LIMIT', 1200, 0, 10_000_000, problems);
  const raw = env.API_RATE_LIMIT_WINDOW || '60s';
  const ms = parseDuration(raw);
  if (ms === undefined || ms < 1000 || ms % 1000 !== 0) {
    problems.push(`API_RATE_LIMIT_WINDOW must be whole seconds such as 60s or 1m (got "${raw}")`);
    return { points, windowSeconds: 60 };
  }
  return { points, windowSeconds: ms / 1000 };
}

/** The longest API_KEY_CACHE_TTL accepted: a key revoked elsewhere must stop working within seconds. */
export const MAX_API_KEY_CACHE_TTL_MS = 5000;

/**
 * API_KEY_CACHE_TTL (default 2s, at most 5s, 0: off): how long this process may admit an API key
 * it read as active without reading it again, and so how long a key revoked by another process
 * (the CLI, another server) can keep working here. Revocations in this process apply at once.
 */
export function loadApiKeyCacheTtl(env: Env, problems: string[]): number {
  const raw = env.API_KEY_CACHE_TTL || '2s';
  const ms = parseDuration(raw);
  if (ms === undefined || ms > MAX_API_KEY_CACHE_TTL_MS) {
    problems.push(`API_KEY_CACHE_TTL must be a duration from 0s to 5s such as 2s or 500ms (got "${raw}")`);
    return 2000;
  }
  return ms;
}
