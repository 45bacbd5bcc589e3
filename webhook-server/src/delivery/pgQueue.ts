import { sql, type Kysely } from 'kysely';
import { preparedStatement } from '../db/pgPreparedStatements';
import type { Database } from '../db/schema';
import type { Storage } from '../db/storage';
import type { Clock } from '../domain/clock';
import { inTransaction } from '../domain/db';
import { removeSubscription } from '../domain/hooks/subscriptions';
import { newId } from '../domain/ids';
import {
  cancelDelivery,
  releaseClaims,
  toClaimed,
  type ClaimedDelivery,
  type DeliveryQueue,
  type FinishedAttempt,
} from './queue';
import { ClaimCursor, FROM_START } from './pgClaimCursor';
import { settlePlatformAttempt } from './platformOutcome';
import { deliveryStatusAfter } from './retryPolicy';
import type { ClaimedRow, ClaimRequest } from './queue';

/**
 * The PostgreSQL hot path, one round trip per batch: the worker is bound by round trips to the
 * database, not by CPU (several per delivery cost 0.17 of the raw POST rate, see BENCHMARKS.md).
 * Batches are passed as arrays and unnested, so each statement's text is the same whatever the
 * batch size (one plan, no query built per batch).
 */

const CLAIM_STATEMENT = preparedStatement('delivery_claim');
const RECORD_STATEMENT = preparedStatement('delivery_record');

/** A claim as the statement takes it: the worker's request, whose claim it is and where it reads from. */
export interface PgClaim extends ClaimRequest {
  workerId: string;
  /** The lowest next_attempt_at read (pgClaimCursor.ts); FROM_START reads the whole due index. */
  from: string;
}

/**
 * The claim statement: up to `limit` due deliveries with their payload and secret, FOR UPDATE SKIP
 * LOCKED, so two workers never claim the same row, and the lease in the same statement. It reads
 * the due index in order from `from` and stops after `limit` rows only under the claim's session
 * settings (CLAIM_SESSION): left to the statistics, the planner may sort the whole backlog instead.
 * Rows come back in due order, so the last one's next_attempt_at is where the next claim may resume.
 */
export function claimStatement(claim: PgClaim) {
  return sql<ClaimedRow & { next_attempt_at: string }>`${sql.raw(CLAIM_STATEMENT)}
    WITH due AS (
      SELECT id FROM deliveries
      WHERE status = 'pending' AND next_attempt_at <= ${claim.now} AND next_attempt_at >= ${claim.from}
        AND (locked_until IS NULL OR locked_until < ${claim.now})
        AND NOT (hook_url = ANY(${claim.skipHookUrls}::text[]))
      ORDER BY next_attempt_at
      LIMIT ${claim.limit}
      FOR UPDATE SKIP LOCKED
    ), claimed AS (
      UPDATE deliveries d SET locked_until = ${claim.lockedUntil}, locked_by = ${claim.workerId}
      FROM due WHERE d.id = due.id
      RETURNING d.id, d.subscription_id, d.event_id, d.hook_url, d.attempt_count, d.next_attempt_at, d.call_id
    )
    SELECT c.id, c.subscription_id, c.event_id, c.hook_url, c.attempt_count, e.payload, s.secret,
      s.provider, c.call_id, c.next_attempt_at
    FROM claimed c
    JOIN events e ON e.id = c.event_id
    LEFT JOIN subscriptions s ON s.id = c.subscription_id
    ORDER BY c.next_attempt_at`;
}

/**
 * Claims up to `limit` due deliveries from where `cursor` says, and behind it when that comes back
 * short; moves the cursor. One statement under a backlog, two as it runs out.
 */
export async function claimDue(
  db: Kysely<Database>,
  cursor: ClaimCursor,
  request: ClaimRequest & { workerId: string },
): Promise<ClaimedDelivery[]> {
  const nowMs = Date.parse(request.now);
  const once = async (from: string, limit: number) => {
    const claim = { ...request, limit, from };
    const { rows } = await claimStatement(claim).execute(db);
    cursor.claimed({ ...claim, nowMs }, rows.length, rows.at(-1)?.next_attempt_at);
    return rows;
  };
  const from = cursor.from(nowMs, request.skipHookUrls);
  let rows = await once(from, request.limit);
  if (from !== FROM_START && rows.length < request.limit)
    rows = rows.concat(await once(FROM_START, request.limit - rows.length));
  return rows.map(toClaimed);
}

/**
 * A column of a batch as one comma-separated text, split by PostgreSQL: for values that never hold
 * a comma (our ids, ISO timestamps, numbers, outcome words); undefined is SQL NULL (a batch of one
 * NULL splits into no element, which unnest pads with NULL all the same). Sent as a
 * text[] instead, pg escapes and quotes every element and PostgreSQL parses the quoted literal:
 * passing a record's columns this way took bench:pg-cycle from 16,200–16,400 to 17,400 deliveries a
 * second (Node 17–18 → 15 µs and PostgreSQL 45–46 → 44 µs a delivery). Error texts, which may hold
 * anything, stay arrays.
 */
function split(values: Array<string | number | undefined>) {
  return sql`string_to_array(${values.map((value) => value ?? '').join(',')}, ',', '')`;
}

/**
 * Records finished attempts: every attempt row in one multi-row insert and every delivery's new
 * state in one UPDATE … FROM unnest(…), in one statement. A delivery's state only changes while
 * `workerId` still holds its claim; the attempt itself is always recorded. Attempts that move a
 * call (platform requests) or remove a subscription (410 Gone) add their writes in the same
 * transaction, calls first: the order cancel takes its locks in, so the two never deadlock.
 */
export async function recordAttempts(
  db: Kysely<Database>,
  clock: Clock,
  workerId: string,
  attempts: FinishedAttempt[],
): Promise<void> {
  if (attempts.length === 0) return;
  const updatedAt = clock.now().toISOString();
  const record = sql`${sql.raw(RECORD_STATEMENT)}
    WITH v AS MATERIALIZED (
      SELECT * FROM unnest(
        ${split(attempts.map(() => newId('att')))},
        ${split(attempts.map((a) => a.deliveryId))},
        ${split(attempts.map((a) => a.startedAt))},
        ${split(attempts.map((a) => Math.round(a.durationMs)))}::int[],
        ${split(attempts.map((a) => a.statusCode))}::int[],
        ${attempts.map((a) => a.error ?? null)}::text[],
        ${split(attempts.map((a) => a.outcome))},
        ${split(attempts.map((a) => deliveryStatusAfter(a.outcome)))},
        ${split(attempts.map((a) => a.attemptNumber))}::int[],
        ${split(attempts.map((a) => a.nextAttemptAt))}
      ) AS v(attempt_id, id, started_at, duration_ms, status_code, error, outcome, status, attempt_count, next_attempt_at)
    ), attempts AS (
      INSERT INTO delivery_attempts (id, delivery_id, started_at, duration_ms, status_code, error, outcome)
      SELECT attempt_id, id, started_at, duration_ms, status_code, error, outcome FROM v
    )
    UPDATE deliveries d SET
      status = v.status,
      attempt_count = v.attempt_count,
      next_attempt_at = v.next_attempt_at,
      locked_until = NULL,
      locked_by = NULL,
      last_status_code = v.status_code,
      last_error = v.error,
      updated_at = ${updatedAt},
      delivered_at = CASE WHEN v.status = 'delivered' THEN ${updatedAt} ELSE d.delivered_at END
    FROM v
    WHERE d.id = v.id AND d.locked_by = ${workerId}`;
  const calls = attempts.filter((a) => a.callId);
  const gone = attempts.filter((a) => a.outcome === 'gone' && !a.callId);
  // One statement is atomic on its own: the common batch needs no BEGIN and COMMIT round trips.
  if (calls.length === 0 && gone.length === 0) {
    await record.execute(db);
    return;
  }
  await inTransaction(db, async (trx) => {
    // These move calls and may emit call_completed: durable before the commit returns, like any event.
    await sql`SET LOCAL synchronous_commit = on`.execute(trx);
    for (const a of calls) await settlePlatformAttempt(trx, clock, a.callId!, a);
    await record.execute(trx);
    for (const a of gone) await removeSubscription(trx, clock, a.subscriptionId);
  });
}

/**
 * The queue's own connections commit without waiting for PostgreSQL to flush the WAL to disk
 * (`synchronous_commit = off`; the flush follows within wal_writer_delay, 200 ms by default).
 * Claims and results were each waiting for a flush, one batch after the other, and a claim is only
 * ever as durable as it needs to be: if PostgreSQL itself crashes, the last moments of claims and
 * results may be lost, and those deliveries are sent again with the same webhook-id once their
 * claims expire: what a worker crash before recording already means (at least once). A worker crash
 * loses nothing, since the server has the commit. Events are still recorded durably (their writes
 * are not the queue's), and results that move a call commit durably (recordAttempts). No JIT
 * compilation (`jit = off`): the queue's statements are short, and when the claim's plan looked
 * costly (CLAIM_SESSION's penalty on sorts) PostgreSQL spent 263–345 ms compiling it.
 */
export const QUEUE_SESSIONS = { poolSize: 3, settings: { synchronous_commit: 'off', jit: 'off' } };

/**
 * Claims have a connection of their own (a worker claims one round at a time), planned with
 * `enable_sort = off` so a claim reads the due index in order and stops at its limit. The planner
 * chooses from the table's statistics, and those are wrong exactly when a backlog builds: taken
 * while almost nothing was pending (or never, on a new table), they make "pending" look like a
 * handful of rows, so sorting them all looks cheap. It then read and sorted every pending row for
 * each claim: 20–40 ms a claim with 20,000 pending, growing with the backlog, so the worker slowed
 * down as the backlog grew. Only the claim's session: elsewhere, avoiding a sort can cost more than
 * it (recording an event numbers its audience in id order, which a sort of a few rows gives, and a
 * walk of the whole subscriptions key would).
 */
export const CLAIM_SESSION = {
  poolSize: 1,
  settings: { ...QUEUE_SESSIONS.settings, enable_sort: 'off' },
};

/** The queue on its own connections (QUEUE_SESSIONS and CLAIM_SESSION), closed with it. */
export function openPgDeliveryQueue(storage: Storage, clock: Clock, workerId: string): PgDeliveryQueue {
  const db = storage.openPool?.(QUEUE_SESSIONS);
  const claimDb = storage.openPool?.(CLAIM_SESSION);
  if (!db || !claimDb) return new PgDeliveryQueue(storage.db, clock, workerId);
  return new PgDeliveryQueue(db, clock, workerId, {
    claimDb,
    close: async () => {
      await Promise.all([db.destroy(), claimDb.destroy()]);
    },
  });
}

/**
 * The queue on PostgreSQL: any number of workers in any number of processes share it, FOR UPDATE
 * SKIP LOCKED keeping their claims apart; LISTEN/NOTIFY (pgWakeups.ts) only wakes them.
 */
export class PgDeliveryQueue implements DeliveryQueue {
  /** Where this worker's next claim reads the due index from (one claim at a time: the pump's). */
  private readonly cursor = new ClaimCursor();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly workerId: string,
    /** The queue's own connections, when it has some (openPgDeliveryQueue): claims' and how to close them. */
    private readonly own: { claimDb?: Kysely<Database>; close?: () => Promise<void> } = {},
  ) {}

  async open(): Promise<void> {}

  async close(): Promise<void> {
    await this.own.close?.();
  }

  claim(request: ClaimRequest): Promise<ClaimedDelivery[]> {
    return claimDue(this.own.claimDb ?? this.db, this.cursor, { ...request, workerId: this.workerId });
  }

  release(ids: string[]): Promise<void> {
    // Given back, they lie behind the cursor.
    if (ids.length > 0) this.cursor.reset();
    return releaseClaims(this.db, this.workerId, ids);
  }

  /** Workers share the queue here: another's claims are live until their lease runs out. */
  async releaseStaleClaims(): Promise<void> {}

  cancel(id: string): Promise<void> {
    return cancelDelivery(this.db, this.clock, id);
  }

  finish(attempts: FinishedAttempt[]): Promise<void> {
    return recordAttempts(this.db, this.clock, this.workerId, attempts);
  }
}
