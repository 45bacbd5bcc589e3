// The entry of the SQLite delivery database thread, started by sqliteDeliveryThreadClient.ts.
// What it imports stays small (types only from queue.ts): loading Kysely would add a second to the
// thread's start on a busy machine, and a worker waits for that start before it heartbeats.
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { openThreadConnection } from '../db/sqliteConnection';
import type { ClaimRequest, FinishedAttempt } from './queue';
import { prepareDeliveryStatements } from './sqliteDeliveryStatements';
import {
  toThreadError,
  type DeliveryThreadData,
  type DeliveryThreadReply,
  type DeliveryThreadRequest,
} from './sqliteDeliveryProtocol';

/** Attempts recorded per transaction in the thread, so a claim never waits behind a long one. */
const RECORD_CHUNK = 64;

type Queued<K extends DeliveryThreadRequest['kind']> = Extract<DeliveryThreadRequest, { kind: K }>;

/**
 * Its own connection, one request at a time. Claims go first: the HTTP thread's next round waits
 * on a claim, while recording attempts can wait (until recorded, a crash only means a resend). So
 * everything queued is read before each step, and attempts are recorded in chunks with claims
 * served in between. A claim never picks a delivery whose attempt is still queued: its claim
 * (locked_until) is only cleared by that record.
 */
function serveThread(port: MessagePort, data: DeliveryThreadData): void {
  const sqlite = openThreadConnection(data.file);
  const statements = prepareDeliveryStatements(sqlite, data.workerId, data.requireLock);
  const claims: Array<Queued<'claim'>> = [];
  const records: Array<Queued<'record'>> = [];
  let closing = false;

  const reply = (message: DeliveryThreadReply) => port.postMessage(message);
  const take = (requests: DeliveryThreadRequest[]) => {
    for (const request of requests) {
      if (request.kind === 'claim') claims.push(request);
      else if (request.kind === 'record') records.push(request);
      else if (request.kind === 'ping') reply({ kind: 'ready', id: request.id });
      else closing = true;
    }
  };
  const drainPort = () => {
    for (let next = receiveMessageOnPort(port); next; next = receiveMessageOnPort(port))
      take(next.message as DeliveryThreadRequest[]);
  };
  const claim = (id: number, request: ClaimRequest) => {
    try {
      reply({ kind: 'claimed', id, rows: statements.claim(request) });
    } catch (err) {
      reply({ kind: 'failed', id, error: toThreadError(err) });
    }
  };
  // The caller hears once: after its last chunk, or at its first failure (the rest is dropped;
  // those deliveries keep their claims, which expire, and are sent again).
  const recordChunk = (record: Queued<'record'>, chunk: FinishedAttempt[]) => {
    try {
      statements.record(chunk, record.updatedAt);
      if (record.attempts.length > 0) return;
      records.shift();
      reply({ kind: 'recorded', id: record.id });
    } catch (err) {
      records.shift();
      reply({ kind: 'failed', id: record.id, error: toThreadError(err) });
    }
  };

  port.on('message', (requests: DeliveryThreadRequest[]) => {
    take(requests);
    for (drainPort(); claims.length || records.length; drainPort()) {
      const next = claims.shift();
      if (next) {
        claim(next.id, next);
        continue;
      }
      const record = records[0]!;
      recordChunk(record, record.attempts.splice(0, RECORD_CHUNK));
    }
    if (closing) {
      sqlite.close();
      port.close();
    }
  });
}

if (!parentPort)
  throw new Error('sqliteDeliveryThread runs as a worker thread (see sqliteDeliveryThreadClient.ts)');
serveThread(parentPort, workerData as DeliveryThreadData);
