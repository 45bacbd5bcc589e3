import type { Request, RequestHandler } from 'express';
import { CompiledQuery } from 'kysely';
import {
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { Storage } from '../db/storage';
import { AppError } from '../domain/errors';
import { hashToken } from '../domain/secrets';
import type { ApiRateLimitConfig } from '../rateLimitConfig';

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

/** The credential a request authenticated with, hashed: each API key and each OAuth token counts apart. */
function credentialOf(req: Request): string {
  return hashToken(req.get('api-key') ?? req.get('authorization') ?? '');
}

/**
 * Per-credential limits on /v1/api (after authentication). Every answer says where the client
 * stands (RateLimit-Limit, -Remaining, -Reset, -Policy); past the limit a 429 with Retry-After,
 * which Zapier, Make, GHL and the connectors retry.
 */
export function apiRateLimit(storage: Storage, config: ApiRateLimitConfig): RequestHandler {
  if (config.points === 0) return (_req, _res, next) => next();
  const limiter = counters(storage, config);
  const policy = `${config.points};w=${config.windowSeconds}`;
  return async (req, res, next) => {
    let state: RateLimiterRes;
    let refused = false;
    try {
      state = await limiter.consume(credentialOf(req));
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      state = err;
      refused = true;
    }
    const reset = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
    res.set({
      'RateLimit-Policy': policy,
      'RateLimit-Limit': String(config.points),
      'RateLimit-Remaining': String(state.remainingPoints),
      'RateLimit-Reset': String(reset),
    });
    if (!refused) return next();
    throw new AppError(
      429,
      `Too many requests with this credential: ${config.points} per ${config.windowSeconds} s. Retry after ${reset} s.`,
      undefined,
      { 'Retry-After': String(reset) },
    );
  };
}
