import type SQLite from 'better-sqlite3';
import { newId } from '../domain/ids';
import type { ClaimedRow, ClaimRequest, FinishedAttempt } from './queue';
import { deliveryStatusAfter } from './retryPolicy';
import { WebhookSigner, deliveryBody, webhookTimestamp } from './signer';
import { WorkerLockLostError } from './workerLock';

/**
 * The SQLite queue's claim and its record of finished attempts, the only place either is written:
 * a few statements prepared once on a better-sqlite3 handle (building them through Kysely per
 * round cost more CPU than the HTTP work, see BENCHMARKS.md), each call one synchronous
 * transaction. They run in the delivery database thread (sqliteDeliveryThread.ts) on a database
 * file, and on the API's connection in memory or inside a transaction of its own.
 */
export interface DeliveryStatements {
  /**
   * Claims due deliveries and signs them. Throws WorkerLockLostError when requireLock and another
   * worker holds the lock.
   */
  claim(request: ClaimRequest): ClaimedRow[];
  /**
   * Records finished attempts: each attempt, and its delivery's new state while this worker still
   * holds its claim. Inside an open transaction it joins it (a savepoint).
   */
  record(attempts: FinishedAttempt[], updatedAt: string): void;
}

export function prepareDeliveryStatements(
  sqlite: SQLite.Database,
  workerId: string,
  requireLock: boolean,
): DeliveryStatements {
  // A select and an update by primary key per row take half the time of one
  // UPDATE … WHERE id IN (…) RETURNING; the transaction makes the pair atomic. The skip list is a
  // JSON array so one prepared statement serves any length.
  const selectDue = sqlite.prepare<{ now: string; skipHookUrls: string; limit: number }, ClaimedRow>(`
    select d.id, d.subscription_id, d.event_id, d.hook_url, d.attempt_count, e.payload, s.secret, s.provider, d.call_id
    from deliveries d
    join events e on e.id = d.event_id
    left join subscriptions s on s.id = d.subscription_id
    where d.status = 'pending' and d.next_attempt_at <= @now
      and (d.locked_until is null or d.locked_until < @now)
      and d.hook_url not in (select value from json_each(@skipHookUrls))
    order by d.next_attempt_at
    limit @limit`);
  const lock = sqlite.prepare<[string, string, string]>(
    'update deliveries set locked_until = ?, locked_by = ? where id = ?',
  );
  const insertAttempt = sqlite.prepare<
    [string, string, string, number, number | null, string | null, string]
  >(`
    insert into delivery_attempts (id, delivery_id, started_at, duration_ms, status_code, error, outcome)
    values (?, ?, ?, ?, ?, ?, ?)`);
  // attempt_count is the attempt's number: nothing else changes it while the claim is held.
  const update = sqlite.prepare<
    [string, number, string | null, number | null, string | null, string, string | null, string, string]
  >(`
    update deliveries set status = ?, attempt_count = ?, next_attempt_at = ?, locked_until = null,
      locked_by = null, last_status_code = ?, last_error = ?, updated_at = ?,
      delivered_at = coalesce(?, delivered_at)
    where id = ? and locked_by = ?`);
  // Checked in the claim's own transaction: once another worker has taken the lock over (and
  // released this one's claims), this worker cannot claim again, whatever its heartbeat believes.
  const lockOwner = requireLock
    ? sqlite.prepare<[], string>('select owner from delivery_worker_lock where id = 1').pluck()
    : undefined;
  // IMMEDIATE: the write lock is taken before the select, so no other connection's commit can
  // come between what this transaction read and what it writes.
  const claimRows = sqlite.transaction((request: ClaimRequest): ClaimedRow[] => {
    if (lockOwner && lockOwner.get() !== workerId) throw new WorkerLockLostError();
    const rows = selectDue.all({
      now: request.now,
      skipHookUrls: JSON.stringify(request.skipHookUrls),
      limit: request.limit,
    });
    for (const row of rows) lock.run(request.lockedUntil, workerId, row.id);
    return rows;
  }).immediate;
  // Claimed deliveries come signed (after the transaction, which holds the write lock): in the
  // delivery database thread, so the HTTP thread need not (a tenth of its time). An attempt made
  // later than the signature's timestamp allows is signed again by the sender.
  const signer = new WebhookSigner();
  const claim = (request: ClaimRequest): ClaimedRow[] => {
    const rows = claimRows(request);
    const timestamp = webhookTimestamp();
    for (const row of rows) {
      if (row.secret == null) continue;
      try {
        row.webhook_signature = signer.sign(row.secret, row.event_id, timestamp, deliveryBody(row.payload));
        row.webhook_timestamp = timestamp;
      } catch {
        // A secret that cannot sign: left to the sender, whose attempt then records why.
      }
    }
    return rows;
  };
  const record = sqlite.transaction((attempts: FinishedAttempt[], updatedAt: string): void => {
    for (const a of attempts) {
      const statusCode = a.statusCode ?? null;
      const error = a.error ?? null;
      const status = deliveryStatusAfter(a.outcome);
      insertAttempt.run(newId('att'), a.deliveryId, a.startedAt, a.durationMs, statusCode, error, a.outcome);
      update.run(
        status,
        a.attemptNumber,
        a.nextAttemptAt ?? null,
        statusCode,
        error,
        updatedAt,
        status === 'delivered' ? updatedAt : null,
        a.deliveryId,
        workerId,
      );
    }
  }).immediate;
  return { claim, record };
}
