import type { Request } from 'express';
import { badRequest } from '../domain/errors';
import { MAX_PAGE_SIZE, parseLimit } from '../input/limits';

export { MAX_PAGE_SIZE, parseLimit };

export interface PageRequest {
  limit: number;
  afterId?: string;
}

export const DEFAULT_PAGE_SIZE = 50;

/** Reads `limit` and the opaque `cursor` (the last id of the previous page, base64url). */
export function pageRequest(req: Request): PageRequest {
  const { limit: rawLimit, cursor } = req.query;
  const limit = parseLimit(rawLimit, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE);
  if (cursor === undefined || cursor === '') return { limit };
  const afterId = typeof cursor === 'string' ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!/^[a-z]+_[0-9A-Z]{26}$/.test(afterId)) {
    throw badRequest('cursor is not valid. Pass the nextCursor of the previous page unchanged.', [
      { field: 'cursor', message: 'is not a cursor this API issued' },
    ]);
  }
  return { limit, afterId };
}

/** Wraps one page; nextCursor is null on the last page. */
export function page<T extends { id: string }>(
  items: T[],
  limit: number,
): { data: T[]; nextCursor: string | null } {
  const last = items[items.length - 1];
  return {
    data: items,
    nextCursor: items.length === limit && last ? Buffer.from(last.id).toString('base64url') : null,
  };
}
