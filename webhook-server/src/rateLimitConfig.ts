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
