import { badRequest } from '../domain/errors';

/** The most items one page of a list holds. */
export const MAX_PAGE_SIZE = 100;

/**
 * A count a client asks for (a query parameter or a CLI option): 1 to `max`, `fallback` when
 * absent; otherwise a 400 naming `field`.
 */
export function parseLimit(raw: unknown, max: number, fallback: number, field = 'limit'): number {
  if (raw === undefined) return fallback;
  const limit = Number(raw);
  if (typeof raw !== 'string' || !Number.isInteger(limit) || limit < 1 || limit > max) {
    throw badRequest(`${field} must be a whole number from 1 to ${max}.`, [
      { field, message: `must be 1 to ${max}` },
    ]);
  }
  return limit;
}
