import type { RequestHandler } from 'express';
import { CompiledQuery } from 'kysely';
import {
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { Storage } from '../db/storage';
import { AppError } from '../domain/errors';
import type { ApiRateLimitConfig } from '../rateLimitConfig';
import { credentialHashOf } from './auth';

export const RATE_LIMIT_TABLE = 'api_rate_limits';

/**
 * The counters: on PostgreSQL in the api_rate_limits table (migration 011), so every API process
 * behind the load balancer counts against the same limit, with an in-memory limiter standing in
 * if the database cannot answer; on SQLite, where one process serves the API, in its memory.
 */
function counters(storage: Storage, { points, windowSeconds }: ApiRateLimitConfig): RateLimiterAbstract {
  const base = { keyPrefix: 'api', points, duration: windowSeconds };
  if (storage.engine !== 'postgres') return new RateLimiterMemory(base);
  // rate-limiter-flexible speaks to a pg-like client; this one runs its statements through the
  // storage's own pool (and so in its schema).
  const client = {
    query: ({ text, values }: { text: string; values?: unknown[] }) =>
      storage.db.executeQuery(CompiledQuery.raw(text, values ?? [])),
  };
  return new RateLimiterPostgres({
    ...base,
    storeClient: client,
    storeType: 'client',
    tableName: RATE_LIMIT_TABLE,
    tableCreated: true,
    // Every 5 minutes, rows of credentials idle for an hour go (a timer that never holds the process).
    clearExpiredByTimeout: true,
    insuranceLimiter: new RateLimiterMemory(base),
  });
}

/**
 * Per-credential limits on /v1/api (after authentication, which hashed the credential: each API
 * key and each OAuth token counts apart). Every answer says where the client stands
 * (RateLimit-Limit, -Remaining, -Reset, -Policy); past the limit a 429 with Retry-After, which
 * Zapier, Make, GHL and the connectors retry. Every API request passes here, so the two headers
 * that never change are made once and all four are set straight on the response.
 */
export function apiRateLimit(storage: Storage, config: ApiRateLimitConfig): RequestHandler {
  if (config.points === 0) return (_req, _res, next) => next();
  const limiter = counters(storage, config);
  const policy = `${config.points};w=${config.windowSeconds}`;
  const limit = String(config.points);
  return async (_req, res, next) => {
    let state: RateLimiterRes;
    let refused = false;
    try {
      state = await limiter.consume(credentialHashOf(res));
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      state = err;
      refused = true;
    }
    const reset = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
    res.setHeader('RateLimit-Policy', policy);
    res.setHeader('RateLimit-Limit', limit);
    res.setHeader('RateLimit-Remaining', String(state.remainingPoints));
    res.setHeader('RateLimit-Reset', String(reset));
    if (!refused) return next();
    throw new AppError(
      429,
      `Too many requests with this credential: ${config.points} per ${config.windowSeconds} s. Retry after ${reset} s.`,
      undefined,
      { 'Retry-After': String(reset) },
    );
  };
}
