// The job queues a user would pick instead of atlas-connect, doing the same work at the same
// concurrency: take a job holding an event envelope and a secret, sign it with Standard Webhooks
// and POST it to the bench's receiver over a keep-alive undici agent. Bench only (devDependencies).
import { Queue, Worker } from 'bullmq';
import { Logger, makeWorkerUtils, run } from 'graphile-worker';
import pg from 'pg';
import { Agent, request } from 'undici';
import { WebhookSigner, deliveryBody, webhookTimestamp } from '../webhook-server/src/delivery/signer';

const SECRET = 'whsec_' + Buffer.from('bench-peer-secret-bench-peer-secret').toString('base64');

interface PeerJob {
  id: string;
  payload: string;
}

/** The signed POST every peer makes, as the delivery worker does. */
function signedPoster(
  url: string,
  concurrency: number,
): { post(job: PeerJob): Promise<void>; close(): Promise<void> } {
  const agent = new Agent({ connections: concurrency, keepAliveTimeout: 30_000 });
  const signer = new WebhookSigner();
  return {
    async post(job) {
      const body = deliveryBody(job.payload);
      const timestamp = webhookTimestamp();
      const res = await request(url, {
        method: 'POST',
        dispatcher: agent,
        body,
        headers: {
          'content-type': 'application/json',
          'webhook-id': job.id,
          'webhook-timestamp': timestamp,
          'webhook-signature': signer.sign(SECRET, job.id, timestamp, body),
        },
      });
      await res.body.dump();
      if (res.statusCode >= 300) throw new Error(`receiver answered ${res.statusCode}`);
    },
    close: () => agent.close(),
  };
}

function jobs(total: number, payload: string): PeerJob[] {
  return Array.from({ length: total }, (_, i) => ({ id: `msg_${i}`, payload }));
}

/** BullMQ on Redis: jobs added first, then one worker at `concurrency` drains them; timed from its start. */
export async function bullmqRate(
  redisUrl: string,
  url: string,
  total: number,
  concurrency: number,
  payload: string,
): Promise<number> {
  const { hostname, port } = new URL(redisUrl);
  const connection = { host: hostname, port: Number(port || 6379), maxRetriesPerRequest: null };
  const name = `atlas-bench-${Date.now()}`;
  const queue = new Queue<PeerJob>(name, { connection });
  const all = jobs(total, payload);
  for (let i = 0; i < all.length; i += 1000)
    await queue.addBulk(
      all.slice(i, i + 1000).map((data) => ({ name: 'deliver', data, opts: { removeOnComplete: true } })),
    );
  const poster = signedPoster(url, concurrency);
  let done = 0;
  let finished!: () => void;
  const allDone = new Promise<void>((resolve) => (finished = resolve));
  const started = performance.now();
  const worker = new Worker<PeerJob>(name, (job) => poster.post(job.data), { connection, concurrency });
  worker.on('completed', () => {
    done += 1;
    if (done === total) finished();
  });
  await allDone;
  const rate = total / ((performance.now() - started) / 1000);
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  await poster.close();
  return rate;
}

/** Runs fn against a throwaway database on databaseUrl's server, dropped afterwards. */
async function inThrowawayDatabase<T>(databaseUrl: string, fn: (url: string) => Promise<T>): Promise<T> {
  const name = `atlas_bench_graphile_${Date.now()}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(databaseUrl);
    url.pathname = `/${name}`;
    try {
      return await fn(url.toString());
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  } finally {
    await admin.end();
  }
}

/**
 * graphile-worker on PostgreSQL: jobs added first, then a runner at `concurrency`. In a database
 * of its own on the same server: its migrations create, rename and drop tables, which breaks a
 * migrator listing every table of the database meanwhile (the test suite, beside a bench).
 */
export function graphileRate(
  databaseUrl: string,
  url: string,
  total: number,
  concurrency: number,
  payload: string,
): Promise<number> {
  return inThrowawayDatabase(databaseUrl, (graphileUrl) =>
    graphileRound(graphileUrl, url, total, concurrency, payload),
  );
}

async function graphileRound(
  databaseUrl: string,
  url: string,
  total: number,
  concurrency: number,
  payload: string,
): Promise<number> {
  // One pool of ours for graphile's utils and runner, ended before the database is dropped: a
  // runner's idle connection terminated by DROP DATABASE … WITH (FORCE) emitted an unhandled error.
  const pgPool = new pg.Pool({ connectionString: databaseUrl, max: concurrency + 2 });
  pgPool.on('error', () => undefined);
  const utils = await makeWorkerUtils({ pgPool });
  await utils.migrate();
  // As before each of atlas-connect's rounds (delivery.ts, checkpoint()): no checkpoint starting
  // between adding the jobs and running them, which would make every job page a full-page image.
  await pgPool.query('CHECKPOINT');
  const all = jobs(total, payload);
  // 0.16 (the last for Node 20) adds one job per call: ten callers at a time, before the timing.
  let next = 0;
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (next < all.length) await utils.addJob('deliver', all[next++]!);
    }),
  );
  const poster = signedPoster(url, concurrency);
  let done = 0;
  let finished!: () => void;
  const allDone = new Promise<void>((resolve) => (finished = resolve));
  const started = performance.now();
  const runner = await run({
    pgPool,
    concurrency,
    noHandleSignals: true,
    pollInterval: 1000,
    logger: new Logger(() => () => undefined),
    taskList: {
      deliver: async (job) => {
        await poster.post(job as PeerJob);
        done += 1;
        if (done === total) finished();
      },
    },
  });
  await allDone;
  const rate = total / ((performance.now() - started) / 1000);
  await runner.stop();
  await utils.release();
  await pgPool.end();
  await poster.close();
  return rate;
}
