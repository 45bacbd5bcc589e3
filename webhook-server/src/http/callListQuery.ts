import type { Request } from 'express';
import { CALL_STATUSES, isCallStatus } from '../domain/callLifecycle';
import type { CallFilters, CallPosition } from '../domain/callRequests';
import { badRequest } from '../domain/errors';
import type { Call } from '../../../schemas/generated/types';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, parseLimit } from './pagination';

export interface CallListQuery {
  filters: CallFilters;
  limit: number;
  after?: CallPosition;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;

function oneString(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string')
    throw badRequest(`Pass ${name} once, as a single value.`, [
      { field: name, message: 'must be one value' },
    ]);
  return value;
}

/**
 * GET /v1/api/calls's query: filters, page size and cursor. Calls sort by creation time then id
 * (the platform's own call ids need not sort by time), so the cursor carries both.
 */
export function callListQuery(req: Request): CallListQuery {
  const filters: CallFilters = {};
  const campaignId = oneString(req, 'campaignId');
  if (campaignId !== undefined) filters.campaignId = campaignId;
  const status = oneString(req, 'status');
  if (status !== undefined) {
    if (!isCallStatus(status)) {
      throw badRequest(`status must be one of: ${CALL_STATUSES.join(', ')}.`, [
        { field: 'status', message: `must be one of: ${CALL_STATUSES.join(', ')}` },
      ]);
    }
    filters.status = status;
  }
  const createdAfter = oneString(req, 'createdAfter');
  if (createdAfter !== undefined) {
    const time = new Date(createdAfter);
    if (!ISO_INSTANT.test(createdAfter) || Number.isNaN(time.getTime())) {
      throw badRequest('createdAfter must be an ISO 8601 date-time such as 2026-11-20T14:03:11Z.', [
        { field: 'createdAfter', message: 'must be an ISO 8601 date-time' },
      ]);
    }
    filters.createdAfter = time.toISOString();
  }
  const limit = parseLimit(req.query.limit, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE);
  const cursor = oneString(req, 'cursor');
  return cursor === undefined ? { filters, limit } : { filters, limit, after: positionOf(cursor) };
}

function positionOf(cursor: string): CallPosition {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof createdAt === 'string' && ISO_INSTANT.test(createdAt) && typeof id === 'string' && id)
      return { createdAt, id };
  } catch {
    // not JSON: refused below
  }
  throw badRequest('cursor is not valid. Pass the nextCursor of the previous page unchanged.', [
    { field: 'cursor', message: 'is not a cursor this API issued' },
  ]);
}

/** One page of calls; nextCursor is null on the last page. */
export function callPage(calls: Call[], limit: number): { data: Call[]; nextCursor: string | null } {
  const last = calls[calls.length - 1];
  return {
    data: calls,
    nextCursor:
      calls.length === limit && last
        ? Buffer.from(JSON.stringify([last.createdAt, last.id])).toString('base64url')
        : null,
  };
}
