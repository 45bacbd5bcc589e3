import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Clock } from '../domain/clock';
import type { Db } from '../domain/db';
import { AppError, badRequest } from '../domain/errors';

/** What a handler answered; stored with the key and replayed to a retry. */
export interface StoredResponse {
  status: number;
  body: unknown;
}

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
/** A request that held a key this long without finishing is presumed dead; a retry takes over. */
export const IDEMPOTENCY_LEASE_MS = 60_000;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** The Idempotency-Key header, checked; undefined when absent and not required. */
export function idempotencyKeyOf(req: Request, required: boolean): string | undefined {
  const key = req.get(IDEMPOTENCY_HEADER);
  if (key === undefined || key === '') {
    if (!required) return undefined;
    throw badRequest(
      `Send an ${IDEMPOTENCY_HEADER} header (for example a UUID) so a retried request is never charged twice.`,
      [{ field: IDEMPOTENCY_HEADER, message: 'is required' }],
    );
  }
  if (!KEY_PATTERN.test(key)) {
    throw badRequest(`${IDEMPOTENCY_HEADER} must be 1 to 255 visible ASCII characters, such as a UUID.`, [
      { field: IDEMPOTENCY_HEADER, message: 'must be 1 to 255 visible ASCII characters' },
    ]);
  }
  return key;
}

/** JSON with object keys sorted, so bodies that differ only in key order count as the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function requestFingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method.toUpperCase()} ${path}\n${canonicalJson(body ?? null)}`)
    .digest('hex');
}

const inProgress = () =>
  new AppError(
    409,
    'A request with this Idempotency-Key is still in progress. Retry in a moment with the same key to get its answer.',
    undefined,
    { 'Retry-After': '1' },
  );

const otherRequest = () =>
  new AppError(
    422,
    'This Idempotency-Key was already used for a different request (method, path or body). Use a new key for a new request.',
    [{ field: IDEMPOTENCY_HEADER, message: 'was used with a different request' }],
  );

/**
 * Runs `handler` at most once per (account, key) and request. The row is claimed with an insert
 * that the unique key decides, so of two concurrent duplicates exactly one runs; the other gets 409
 * (retry) or, later, the stored answer. A handler that throws releases the key: nothing was
 * answered, so a retry runs again (operations are written to be safe to resume for that reason).
 */
export async function runIdempotent(
  db: Db,
  clock: Clock,
  scope: { accountId: string; key: string; fingerprint: string },
  handler: () => Promise<StoredResponse>,
): Promise<StoredResponse & { replayed: boolean }> {
  const now = clock.now().toISOString();
  const claimed = await db
    .insertInto('idempotency_keys')
    .values({
      account_id: scope.accountId,
      idempotency_key: scope.key,
      fingerprint: scope.fingerprint,
      state: 'in_progress',
      response_status: null,
      response_body: null,
      created_at: now,
      locked_at: now,
    })
    .onConflict((oc) => oc.columns(['account_id', 'idempotency_key']).doNothing())
    .executeTakeFirst();
  let lockedAt = now;

  if (Number(claimed.numInsertedOrUpdatedRows ?? 0) === 0) {
    const row = await db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('account_id', '=', scope.accountId)
      .where('idempotency_key', '=', scope.key)
      .executeTakeFirst();
    if (!row) throw inProgress(); // released between our insert and select: the retry will claim it
    if (row.fingerprint !== scope.fingerprint) throw otherRequest();
    if (row.state === 'done' && row.response_status !== null) {
      return {
        status: row.response_status,
        body: row.response_body === null ? undefined : JSON.parse(row.response_body),
        replayed: true,
      };
    }
    const staleBefore = new Date(clock.now().getTime() - IDEMPOTENCY_LEASE_MS).toISOString();
    if (row.locked_at >= staleBefore) throw inProgress();
    const takenOver = await db
      .updateTable('idempotency_keys')
      .set({ locked_at: now })
      .where('account_id', '=', scope.accountId)
      .where('idempotency_key', '=', scope.key)
      .where('state', '=', 'in_progress')
      .where('locked_at', '=', row.locked_at)
      .executeTakeFirst();
    if (Number(takenOver.numUpdatedRows) === 0) throw inProgress();
    lockedAt = now;
  }

  let response: StoredResponse;
  try {
    response = await handler();
  } catch (err) {
    await db
      .deleteFrom('idempotency_keys')
      .where('account_id', '=', scope.accountId)
      .where('idempotency_key', '=', scope.key)
      .where('state', '=', 'in_progress')
      .where('locked_at', '=', lockedAt)
      .execute();
    throw err;
  }
  await db
    .updateTable('idempotency_keys')
    .set({
      state: 'done',
      response_status: response.status,
      response_body: response.body === undefined ? null : JSON.stringify(response.body),
    })
    .where('account_id', '=', scope.accountId)
    .where('idempotency_key', '=', scope.key)
    .where('locked_at', '=', lockedAt)
    .execute();
  return { ...response, replayed: false };
}

/** Sends a stored or fresh answer, marking replays the way Stripe does. */
export function sendStored(res: Response, response: StoredResponse & { replayed: boolean }): void {
  if (response.replayed) res.setHeader('Idempotent-Replayed', 'true');
  res.status(response.status).json(response.body);
}

/** The fingerprint scope of this request for the authenticated account. */
export function idempotencyScope(req: Request, accountId: string, key: string) {
  return { accountId, key, fingerprint: requestFingerprint(req.method, req.baseUrl + req.path, req.body) };
}
