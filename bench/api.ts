// npm run bench:api: requests/s of an authenticated GET /v1/api/account against a bare Express 5
// route returning the same JSON on the same machine, with autocannon at the same connections.
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import express from 'express';
import pino from 'pino';
import { loadConfig } from '../webhook-server/src/config';
import { openStorage } from '../webhook-server/src/db/storage';
import { sql } from 'kysely';
import { migrate, withMigrationLock } from '../webhook-server/src/db/migrate';
import { createAccount } from '../webhook-server/src/domain/accounts';
import { issueApiKey } from '../webhook-server/src/domain/apiKeys';
import { systemClock } from '../webhook-server/src/domain/clock';
import { startServer } from '../webhook-server/src/server';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const DATABASE_URL = process.env.BENCH_DATABASE_URL;

interface Figure {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
}

async function load(url: string, headers: Record<string, string>): Promise<Figure> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
  };
}

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
    ATLAS_SERVICE_TOKEN: 'bench-service-token-0123456789abcdef0123456789',
    ATLAS_SEED_DEMO: 'false',
    DELIVERY_WORKER: 'false',
    // The bench is one client: the per-key limit would answer 429 to nearly all of it.
    API_RATE_LIMIT: '10000000',
    LOG_LEVEL: 'silent',
  });
  // The bench closes the storage it opened (the server leaves a storage it was given open).
  const server = await startServer(config, { storage, logger: pino({ level: 'silent' }) });
  const account = await createAccount(storage.db, systemClock, {
    companyName: 'Bench',
    adminName: 'Bench',
    adminEmail: `bench.${Date.now()}@example.com`,
    password: 'benchmark-password',
    planId: 'pro',
  });
  const { apiKey } = await issueApiKey(storage.db, systemClock, account.id);
  const accountUrl = `${server.url}/v1/api/account`;
  const body = await (await fetch(accountUrl, { headers: { 'api-key': apiKey } })).text();

  // The floor: Express 5 with nothing but a route that answers the same JSON.
  const bare = express();
  bare.get('/v1/api/account', (_req, res) => {
    res.type('application/json').send(body);
  });
  const bareServer = bare.listen(0, '127.0.0.1');
  await new Promise((resolve) => bareServer.once('listening', resolve));
  const bareUrl = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}/v1/api/account`;
  try {
    // Warm-up for both (JIT, connections), discarded.
    await load(bareUrl, {});
    await load(accountUrl, { 'api-key': apiKey });
    const bareFigure = await load(bareUrl, {});
    const accountFigure = await load(accountUrl, { 'api-key': apiKey });
    console.log(
      JSON.stringify(
        {
          date: new Date().toISOString(),
          engine: DATABASE_URL ? 'postgres' : 'sqlite',
          connections: CONNECTIONS,
          seconds: SECONDS,
          bareExpress: bareFigure,
          getAccount: accountFigure,
          ratio: Math.round((accountFigure.requestsPerSecond / bareFigure.requestsPerSecond) * 100) / 100,
        },
        null,
        2,
      ),
    );
  } finally {
    await new Promise((resolve) => bareServer.close(resolve));
    await server.close();
    if (schema)
      await withMigrationLock(storage, () =>
        sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(storage.db),
      );
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
