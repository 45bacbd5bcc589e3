// The servers bench/api.ts loads, in their own process so autocannon (in the bench's process) does
// not share their CPU time: atlas-connect as `serve` starts it (without the delivery worker) and a
// bare Express 5 route answering the same JSON. Driven over IPC: see ApiBenchRequest.
import { mkdtempSync, rmSync } from 'node:fs';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import { sql } from 'kysely';
import pino from 'pino';
import { loadConfig } from '../webhook-server/src/config';
import { migrate, withMigrationLock } from '../webhook-server/src/db/migrate';
import { openStorage } from '../webhook-server/src/db/storage';
import { createAccount } from '../webhook-server/src/domain/accounts';
import { issueApiKey } from '../webhook-server/src/domain/apiKeys';
import { createCampaign } from '../webhook-server/src/domain/campaigns';
import { systemClock } from '../webhook-server/src/domain/clock';
import { subscribe } from '../webhook-server/src/domain/hooks/subscriptions';
import { newId } from '../webhook-server/src/domain/ids';
import { REDACTED_PATHS } from '../webhook-server/src/logger';
import { startServer } from '../webhook-server/src/server';

export const SERVICE_TOKEN = 'bench-service-token-0123456789abcdef0123456789';

export type ApiBenchRequest =
  | { op: 'cpu' }
  | { op: 'prepareCalls'; count: number }
  | { op: 'verifyCalls'; callIds: string[]; durationSeconds: number }
  | { op: 'close' };

export interface ApiBenchReady {
  atlasUrl: string;
  bareUrl: string;
  apiKey: string;
  campaignId: string;
}

/** What the call-events round left in the database, for the bench to compare with what it sent. */
export interface CallsVerdict {
  completed: number;
  ledgerRows: number;
  ledgerSeconds: number;
  deliveries: number;
}

/**
 * Since the previous `cpu` request: how late the event loop ran its timers (p99 and worst, ms, a
 * 1 ms timer's lateness: time the loop spent in one task or the process did not get the CPU) and
 * the garbage collector's pauses (count, total and longest, ms).
 */
export interface Stalls {
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  gcPauses: number;
  gcTotalMs: number;
  gcMaxMs: number;
}

export type ApiBenchReply =
  | { op: 'ready'; ready: ApiBenchReady }
  | { op: 'cpu'; cpuMicros: number; stalls: Stalls }
  | { op: 'prepareCalls'; callIds: string[] }
  | { op: 'verifyCalls'; verdict: CallsVerdict }
  | { op: 'close' }
  | { op: 'error'; message: string };

const DATABASE_URL = process.env.BENCH_DATABASE_URL;
/** The server's log level: `info` writes the access log line of every request (to /dev/null). */
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'silent';
const PHONE = '+14155550100';

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'atlas-bench-api-'));
  const schema = DATABASE_URL ? `bench_api_${Date.now()}` : undefined;
  const databaseUrl = DATABASE_URL ?? `sqlite:${path.join(dir, 'api.sqlite')}`;
  const storage = openStorage(databaseUrl, { schema });
  await migrate(storage);
  const config = loadConfig({
    NODE_ENV: 'development',
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    ATLAS_SERVICE_TOKEN: SERVICE_TOKEN,
    ATLAS_SEED_DEMO: 'false',
    DELIVERY_WORKER: 'false',
    // The bench is one client: the per-key limit would answer 429 to nearly all of it.
    API_RATE_LIMIT: '10000000',
    // The bare route's server has no cap of requests per connection either. With the default
    // (1000), Node answers 503 to what autocannon sends on a connection past it, and cheap 503s
    // were counted as the route's rate (a ratio above 1).
    HTTP_MAX_REQUESTS_PER_SOCKET: '0',
    LOG_LEVEL: 'silent',
  });
  // As `serve` logs (same redaction, a synchronous write per line), into /dev/null; silent by default.
  const logger = pino(
    { level: LOG_LEVEL, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    pino.destination({ dest: '/dev/null', sync: true }),
  );
  // The bench closes the storage it opened (the server leaves a storage it was given open).
  const server = await startServer(config, { storage, logger });
  const db = storage.db;
  const account = await createAccount(db, systemClock, {
    companyName: 'Bench',
    adminName: 'Bench',
    adminEmail: `bench.${Date.now()}@example.com`,
    password: 'benchmark-password',
    planId: 'pro',
  });
  const { apiKey } = await issueApiKey(db, systemClock, account.id);
  const campaign = await createCampaign(db, systemClock, account.id, 'Bench');
  // The one subscription each call_completed report fans out to (the worker is off: rows stay pending).
  const { subscription } = await subscribe(db, systemClock, account.id, {
    hookUrl: 'https://hooks.example.com/bench',
    triggerName: 'call_completed',
    campaignId: campaign.id,
  });
  const atlasUrl = `${server.url.replace('localhost', '127.0.0.1')}`;
  const body = await (await fetch(`${atlasUrl}/v1/api/account`, { headers: { 'api-key': apiKey } })).text();

  // The floor: Express 5 with nothing but a route that answers the same JSON.
  const bare = express();
  bare.get('/v1/api/account', (_req, res) => {
    res.type('application/json').send(body);
  });
  const bareServer = bare.listen(0, '127.0.0.1');
  await new Promise((resolve) => bareServer.once('listening', resolve));
  const bareUrl = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}`;

  /** Calls the platform has accepted (dispatched), as startCall and a 2xx dispatch leave them. */
  async function prepareCalls(count: number): Promise<string[]> {
    const now = new Date().toISOString();
    const ids = Array.from({ length: count }, () => newId('call'));
    for (let start = 0; start < ids.length; start += 500) {
      await db
        .insertInto('calls')
        .values(
          ids.slice(start, start + 500).map((id) => ({
            id,
            account_id: account.id,
            campaign_id: campaign.id,
            phone_number: PHONE,
            customer_name: null,
            status: 'dispatched',
            duration_seconds: null,
            summary: null,
            transcript: null,
            recording_url: null,
            parameters: '{}',
            started_at: null,
            completed_at: null,
            created_at: now,
            updated_at: now,
            failure_reason: null,
            idempotency_key: id,
          })),
        )
        .execute();
    }
    return ids;
  }

  async function verifyCalls(callIds: string[], durationSeconds: number): Promise<CallsVerdict> {
    const verdict: CallsVerdict = { completed: 0, ledgerRows: 0, ledgerSeconds: 0, deliveries: 0 };
    for (let start = 0; start < callIds.length; start += 500) {
      const ids = callIds.slice(start, start + 500);
      const calls = await db
        .selectFrom('calls')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('id', 'in', ids)
        .where('status', '=', 'completed')
        .where('duration_seconds', '=', durationSeconds)
        .executeTakeFirstOrThrow();
      const ledger = await db
        .selectFrom('minute_ledger')
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('seconds').as('seconds')])
        .where('kind', '=', 'call')
        .where('reference', 'in', ids)
        .executeTakeFirstOrThrow();
      verdict.completed += Number(calls.n);
      verdict.ledgerRows += Number(ledger.n);
      verdict.ledgerSeconds -= Number(ledger.seconds ?? 0);
    }
    // Each event names its call in its payload; one delivery per call_completed event.
    const deliveries = await db
      .selectFrom('deliveries')
      .innerJoin('events', 'events.id', 'deliveries.event_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('deliveries.subscription_id', '=', subscription.id)
      .where('events.trigger_name', '=', 'call_completed')
      .executeTakeFirstOrThrow();
    verdict.deliveries = Number(deliveries.n);
    return verdict;
  }

  async function close(): Promise<void> {
    await new Promise((resolve) => bareServer.close(resolve));
    await server.close();
    if (schema)
      await withMigrationLock(storage, () =>
        sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(storage.db),
      );
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }

  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  const gc = { gcPauses: 0, gcTotalMs: 0, gcMaxMs: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc.gcPauses += 1;
      gc.gcTotalMs += entry.duration;
      gc.gcMaxMs = Math.max(gc.gcMaxMs, entry.duration);
    }
  }).observe({ entryTypes: ['gc'] });
  function takeStalls(): Stalls {
    const round1 = (value: number) => Math.round(value * 10) / 10;
    const stalls: Stalls = {
      loopDelayP99Ms: round1(loopDelay.percentile(99) / 1e6),
      loopDelayMaxMs: round1(loopDelay.max / 1e6),
      gcPauses: gc.gcPauses,
      gcTotalMs: Math.round(gc.gcTotalMs),
      gcMaxMs: round1(gc.gcMaxMs),
    };
    loopDelay.reset();
    Object.assign(gc, { gcPauses: 0, gcTotalMs: 0, gcMaxMs: 0 });
    return stalls;
  }

  const reply = (message: ApiBenchReply) => process.send?.(message);
  process.on('message', (request: ApiBenchRequest) => {
    const answer = async (): Promise<ApiBenchReply> => {
      switch (request.op) {
        case 'cpu': {
          const usage = process.cpuUsage();
          return { op: 'cpu', cpuMicros: usage.user + usage.system, stalls: takeStalls() };
        }
        case 'prepareCalls':
          return { op: 'prepareCalls', callIds: await prepareCalls(request.count) };
        case 'verifyCalls':
          return { op: 'verifyCalls', verdict: await verifyCalls(request.callIds, request.durationSeconds) };
        case 'close':
          await close();
          return { op: 'close' };
      }
    };
    answer().then(
      (message) => {
        reply(message);
        if (message.op === 'close') process.disconnect();
      },
      (err: unknown) => reply({ op: 'error', message: String(err) }),
    );
  });
  reply({ op: 'ready', ready: { atlasUrl, bareUrl, apiKey, campaignId: campaign.id } });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
