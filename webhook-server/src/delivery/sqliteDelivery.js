'use strict';
// The delivery worker's hot path on SQLite: a few statements prepared once on a better-sqlite3
// handle, each call one synchronous transaction. Plain JavaScript on purpose: it also runs as the
// entry of the delivery database thread (see sqliteQueue.ts), and a worker thread loads this file
// as it is, from the TypeScript sources (tests, tsx) as from dist/ (`npm run build` copies it).
// Types are in sqliteDelivery.d.ts.
const { isMainThread, parentPort, receiveMessageOnPort, workerData } = require('node:worker_threads');
const { openThreadConnection } = require('../db/sqliteConnection');
const { ulidFactory } = require('../domain/ulid');
const { WebhookSigner, deliveryBody, webhookTimestamp } = require('./signer');

function prepareDeliveryStatements(sqlite, workerId, requireLock) {
  // Attempt ids as newId('att') makes them (domain/ids.ts): sortable, newer after older.
  const ulid = ulidFactory();
  // A select and an update by primary key per row take half the time of one
  // UPDATE … WHERE id IN (…) RETURNING; the transaction makes the pair atomic. The skip list is a
  // JSON array so one prepared statement serves any length.
  const selectDue = sqlite.prepare(`
    select d.id, d.subscription_id, d.event_id, d.hook_url, d.attempt_count, e.payload, s.secret, s.provider, d.call_id
    from deliveries d
    join events e on e.id = d.event_id
    left join subscriptions s on s.id = d.subscription_id
    where d.status = 'pending' and d.next_attempt_at <= @now
      and (d.locked_until is null or d.locked_until < @now)
      and d.hook_url not in (select value from json_each(@skipHookUrls))
    order by d.next_attempt_at
    limit @limit`);
  const lock = sqlite.prepare('update deliveries set locked_until = ?, locked_by = ? where id = ?');
  const insertAttempt = sqlite.prepare(`
    insert into delivery_attempts (id, delivery_id, started_at, duration_ms, status_code, error, outcome)
    values (?, ?, ?, ?, ?, ?, ?)`);
  const markDelivered = sqlite.prepare(`
    update deliveries set status = 'delivered', attempt_count = attempt_count + 1,
      next_attempt_at = null, locked_until = null, locked_by = null, last_status_code = ?,
      last_error = null, updated_at = ?, delivered_at = ?
    where id = ? and locked_by = ?`);
  // Checked in the claim's own transaction: once another worker has taken the lock over (and
  // released this one's claims), this worker cannot claim again, whatever its heartbeat believes.
  const lockOwner = requireLock
    ? sqlite.prepare('select owner from delivery_worker_lock where id = 1').pluck()
    : undefined;
  // IMMEDIATE: the write lock is taken before the select, so no other connection's commit can
  // come between what this transaction read and what it writes.
  const claimRows = sqlite.transaction((lockedUntil, now, skipHookUrls, limit) => {
    if (lockOwner && lockOwner.get() !== workerId) {
      throw Object.assign(new Error('this delivery worker no longer holds the SQLite worker lock'), {
        name: 'WorkerLockLostError',
      });
    }
    const rows = selectDue.all({ now, skipHookUrls, limit });
    for (const row of rows) lock.run(lockedUntil, workerId, row.id);
    return rows;
  }).immediate;
  // Claimed deliveries come signed (after the transaction, which holds the write lock): in the
  // delivery database thread, so the HTTP thread need not (a tenth of its time). An attempt made
  // later than the signature's timestamp allows is signed again by the sender.
  const signer = new WebhookSigner();
  const claim = (lockedUntil, now, skipHookUrls, limit) => {
    const rows = claimRows(lockedUntil, now, skipHookUrls, limit);
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
  const delivered = sqlite.transaction((attempts, updatedAt) => {
    for (const a of attempts) {
      insertAttempt.run(
        `att_${ulid()}`,
        a.deliveryId,
        a.startedAt,
        a.durationMs,
        a.statusCode,
        null,
        'delivered',
      );
      markDelivered.run(a.statusCode, updatedAt, updatedAt, a.deliveryId, workerId);
    }
  }).immediate;
  return { claim, delivered };
}

/** Successes recorded per transaction in the thread, so a claim never waits behind a long one. */
const DELIVERED_CHUNK = 64;

/**
 * Runs as the delivery database thread: its own connection, one request at a time. Claims go
 * first: the HTTP thread's next round waits on a claim, while recording successes can wait (until
 * recorded, a crash only means a resend). So everything queued is read before each step, and
 * successes are recorded in chunks with claims served in between. A claim never picks a delivery
 * whose success is still queued: its claim (locked_until) is only cleared by that record.
 */
function serveThread() {
  const sqlite = openThreadConnection(workerData.file);
  const statements = prepareDeliveryStatements(sqlite, workerData.workerId, workerData.requireLock);
  const claims = [];
  const records = [];
  let closing = false;

  const replyError = (id, err) =>
    parentPort.postMessage({
      id,
      error: { name: err && err.name, message: err && err.message, code: err && err.code },
    });
  const reply = (id, run) => {
    try {
      parentPort.postMessage({ id, result: run() });
    } catch (err) {
      replyError(id, err);
    }
  };
  const take = (message) => {
    if (message.op === 'batch') message.messages.forEach(take);
    else if (message.op === 'claim') claims.push(message);
    else if (message.op === 'delivered') records.push(message);
    else if (message.op === 'close') closing = true;
    else if (message.op === 'ping') parentPort.postMessage({ id: message.id });
  };
  const drainPort = () => {
    for (let next = receiveMessageOnPort(parentPort); next; next = receiveMessageOnPort(parentPort))
      take(next.message);
  };

  parentPort.on('message', (message) => {
    take(message);
    for (drainPort(); claims.length || records.length; drainPort()) {
      const claim = claims.shift();
      if (claim) {
        reply(claim.id, () =>
          statements.claim(claim.lockedUntil, claim.now, claim.skipHookUrls, claim.limit),
        );
        continue;
      }
      // The caller hears once: after its last chunk, or at its first failure (the rest is dropped;
      // those deliveries keep their claims, which expire, and are sent again).
      const record = records[0];
      const chunk = record.attempts.splice(0, DELIVERED_CHUNK);
      try {
        statements.delivered(chunk, record.updatedAt);
        if (record.attempts.length > 0) continue;
        records.shift();
        parentPort.postMessage({ id: record.id });
      } catch (err) {
        records.shift();
        replyError(record.id, err);
      }
    }
    if (closing) {
      sqlite.close();
      parentPort.close();
    }
  });
}

if (!isMainThread && workerData && workerData.atlasDeliveryThread) serveThread();

module.exports = { prepareDeliveryStatements };
