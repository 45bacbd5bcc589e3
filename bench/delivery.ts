import { sql } from 'kysely';
// npm run bench:delivery: signed durable delivery rate vs the raw undici POST rate to the same local
// receiver at the same concurrency, then event-to-first-attempt latency at a fixed offered rate.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Agent, request } from 'undici';
import { startCheckpointer, type Checkpointer } from '../webhook-server/src/db/checkpointer';
import { openStorage, type Storage } from '../webhook-server/src/db/storage';
import { migrate, withMigrationLock } from '../webhook-server/src/db/migrate';
import { createAccount } from '../webhook-server/src/domain/accounts';
import { systemClock } from '../webhook-server/src/domain/clock';
import { recordEvent } from '../webhook-server/src/domain/events';
import { subscribe } from '../webhook-server/src/domain/hooks/subscriptions';
import { benchWorker, CONCURRENCY } from './benchWorker';
import { childScript } from './childScript';
import type { CpuMicros, DeliveryResult, PeerFigure, ProcessesFigure } from './deliveryResult';
import { bullmqRate, graphileRate } from './peers';

const THROUGHPUT_EVENTS = Number(process.env.BENCH_EVENTS ?? 20000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const OFFERED_RATE = Number(process.env.BENCH_RATE ?? 500);
const LATENCY_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const DATABASE_URL = process.env.BENCH_DATABASE_URL;
// The peers (bench/peers.ts): BullMQ on this Redis, graphile-worker on BENCH_DATABASE_URL's PostgreSQL.
const PEERS = process.env.BENCH_PEERS !== '0';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
// BENCH_ONLY=latency: the latency part alone, after the warm-up (a minute instead of several, for A/B runs).
const LATENCY_ONLY = process.env.BENCH_ONLY === 'latency';

const SAMPLE_DATA = {
  account: { id: 'acc_bench', companyName: 'Bench Inc', adminEmail: 'bench@example.com', planId: 'pro' },
  changedFields: ['companyName'],
};

interface Stats {
  count: number;
  latencies: number[];
  /** [event id, Date.now() at the receiver] per first attempt. */
  arrivals: Array<[string, number]>;
}

/** The child's next message holding `key` (others pass by, for their own listeners). */
function replyWith<T>(child: ChildProcess, key: keyof T): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (reply: T) => {
      if (reply && typeof reply === 'object' && key in reply) {
        child.off('message', onMessage);
        resolve(reply);
      }
    };
    child.on('message', onMessage);
  });
}

function ask<T>(child: ChildProcess, message: string, key: keyof T): Promise<T> {
  const reply = replyWith<T>(child, key);
  child.send(message);
  return reply;
}

async function startReceiver(): Promise<{ child: ChildProcess; url: string }> {
  const { file, execArgv } = childScript('receiver');
  const child = fork(file, [], { execArgv });
  const { port } = await new Promise<{ port: number }>((resolve) => child.once('message', resolve));
  return { child, url: `http://127.0.0.1:${port}/hook` };
}

/** An event envelope of the same shape and size as a delivery's. */
function sampleEnvelope(): string {
  return JSON.stringify({
    id: 'evt_01KBRAWRAWRAWRAWRAWRAWRAWR',
    triggerName: 'account_updated',
    createdAt: new Date().toISOString(),
    accountId: 'acc_01KBRAWRAWRAWRAWRAWRAWRAWR',
    campaignId: null,
    data: SAMPLE_DATA,
  });
}

async function rawRate(url: string, total: number): Promise<number> {
  const agent = new Agent({ connections: CONCURRENCY, keepAliveTimeout: 30_000 });
  // The same envelope a delivery carries, so both sides send bodies of the same size.
  const body = `[${sampleEnvelope()}]`;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < total) {
        next += 1;
        const res = await request(url, {
          method: 'POST',
          dispatcher: agent,
          body,
          headers: { 'content-type': 'application/json' },
        });
        await res.body.dump();
      }
    }),
  );
  const rate = total / ((performance.now() - started) / 1000);
  await agent.close();
  return rate;
}

const checkpointers = new WeakMap<Storage, Checkpointer>();

/** The storage as the server opens it: on a SQLite file, with its checkpoint thread. */
async function openBenchStorage(dir: string, name: string): Promise<Storage> {
  const storage = openStorage(DATABASE_URL ?? `sqlite:${path.join(dir, `${name}.sqlite`)}`, {
    schema: DATABASE_URL ? `bench_${name}_${Date.now()}` : undefined,
  });
  await migrate(storage);
  const checkpointer = startCheckpointer(storage, pino({ level: 'silent' }));
  if (checkpointer) checkpointers.set(storage, checkpointer);
  return storage;
}

/** Closes the storage; on PostgreSQL its throwaway schema goes too, so runs leave nothing behind. */
async function closeBenchStorage(storage: Storage): Promise<void> {
  await checkpointers.get(storage)?.stop();
  // Under the migration lock: a migrator listing every schema's tables meanwhile (a test file, an
  // API process) fails with "schema … does not exist" when one goes while it lists.
  const { schema } = storage;
  if (schema)
    await withMigrationLock(storage, () =>
      sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(storage.db),
    );
  await storage.close();
}

async function subscribedAccount(storage: Storage, hookUrl: string): Promise<string> {
  const account = await createAccount(storage.db, systemClock, {
    companyName: 'Bench',
    adminName: 'Bench',
    adminEmail: `bench.${Date.now()}@example.com`,
    password: 'benchmark-password',
    planId: 'pro',
  });
  await subscribe(storage.db, systemClock, account.id, { hookUrl, triggerName: 'account_updated' });
  return account.id;
}

/**
 * Tells the receiver to say when it has had `count` more requests than so far; resolves, once it
 * is told, to the promise of that. Awaited before the worker starts (nothing is in flight then, so
 * "so far" is exact), so a round waits for its attempts without polling the database: a probe
 * every 5 ms cost PostgreSQL ~4 µs a delivery (a tenth of the queue's own), walking the due index's
 * entries of rows delivered since the last vacuum, in a measurement whose peers count their jobs in
 * process.
 */
async function expectRequests(receiver: ChildProcess, count: number): Promise<{ reached: Promise<void> }> {
  const { count: sofar } = await ask<{ count: number }>(receiver, 'count', 'count');
  const reached = replyWith<{ reached: true }>(receiver, 'reached').then(() => undefined);
  receiver.send({ until: sofar + count });
  // In an object: an async function returning a promise would resolve only once it had.
  return { reached };
}

/**
 * Waits until the receiver has had the round's attempts (`arrived`), then until no delivery is
 * pending (their results written: an index probe every 5 ms; on SQLite one prepared statement,
 * since building and preparing a Kysely query each time cost the worker's thread ~5% of its time),
 * then checks every one was delivered.
 */
async function untilDelivered(storage: Storage, total: number, arrived: Promise<void>): Promise<void> {
  await arrived;
  const probe = storage.sqlite?.prepare("select 1 from deliveries where status = 'pending' limit 1").pluck();
  const anyPending = async (): Promise<boolean> =>
    probe
      ? probe.get() !== undefined
      : (await storage.db
          .selectFrom('deliveries')
          .select('id')
          .where('status', '=', 'pending')
          .limit(1)
          .executeTakeFirst()) !== undefined;
  while (await anyPending()) await new Promise((resolve) => setTimeout(resolve, 5));
  const row = await storage.db
    .selectFrom('deliveries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'delivered')
    .executeTakeFirstOrThrow();
  if (Number(row.n) < total) throw new Error(`only ${row.n} of ${total} deliveries were delivered`);
}

/** Every delivery was attempted once: a delivery sent by two workers has two attempt rows. */
async function checkAttemptedOnce(storage: Storage, total: number): Promise<void> {
  const row = await storage.db
    .selectFrom('delivery_attempts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  if (Number(row.n) !== total) throw new Error(`${row.n} attempts were recorded for ${total} deliveries`);
}

type Timed = (part: () => Promise<number>) => Promise<number>;

/** A fresh storage with `total` events recorded, each with one delivery due to the receiver. */
async function storageWithEvents(
  dir: string,
  url: string,
  total: number,
  name: string,
): Promise<{ storage: Storage; accountId: string }> {
  const storage = await openBenchStorage(dir, name);
  const accountId = await subscribedAccount(storage, url);
  await recordEvents(storage, accountId, total);
  return { storage, accountId };
}

/**
 * On PostgreSQL, a checkpoint before a round's events are recorded. Once a checkpoint starts, the
 * first change to each page writes the whole page to the WAL, and a round records all its events
 * first and then delivers them: a checkpoint starting in between (one every half gigabyte of WAL,
 * about a minute of bench) makes every delivery page a full-page image, by chance in some rounds and
 * not others (one run logged one during its second of three rounds: 0.52, 0.44, 0.40 of raw). A
 * server delivering as events come pays that only for rows recorded just before a checkpoint and
 * delivered after it. With this, no checkpoint started inside a timed round. The latency phase and
 * graphile-worker's round start the same way.
 */
async function checkpoint(storage: Storage): Promise<void> {
  if (storage.engine === 'postgres') await sql`CHECKPOINT`.execute(storage.db);
}

/** Records `total` events of the account (not timed), after a checkpoint. */
async function recordEvents(storage: Storage, accountId: string, total: number): Promise<void> {
  await checkpoint(storage);
  // Eight callers at a time: one by one, PostgreSQL took longer to record than to send.
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < total) {
        next += 1;
        await recordEvent(storage.db, systemClock, {
          accountId,
          campaignId: null,
          triggerName: 'account_updated',
          data: SAMPLE_DATA,
        });
      }
    }),
  );
}

/** One worker in the bench process (the headline rounds, on either engine). */
async function durableRate(
  dir: string,
  receiver: ChildProcess,
  url: string,
  total: number,
  round: number,
  timed: Timed = (part) => part(),
): Promise<number> {
  const { storage } = await storageWithEvents(dir, url, total, `throughput${round}`);
  const w = benchWorker(storage);
  const arrived = (await expectRequests(receiver, total)).reached;
  // Timed from start() returning: on SQLite it first brings up the worker's database thread
  // (~100 ms, once per process), then sends its first claim (which this timing includes).
  await w.start();
  const rate = await timed(async () => {
    const started = performance.now();
    await untilDelivered(storage, total, arrived);
    return total / ((performance.now() - started) / 1000);
  });
  await w.stop();
  await checkAttemptedOnce(storage, total);
  await closeBenchStorage(storage);
  return rate;
}

/** A worker process on this schema, once it is connected (it fails the bench if it dies first). */
function forkWorkerProcess(schema: string): Promise<ChildProcess> {
  const { file, execArgv } = childScript('workerProcess');
  const child = fork(file, [DATABASE_URL!, schema], { execArgv });
  return new Promise((resolve, reject) => {
    const died = (code: number | null) => reject(new Error(`a bench worker process exited with ${code}`));
    child.once('exit', died);
    child.once('message', () => {
      child.off('exit', died);
      resolve(child);
    });
  });
}

/**
 * PostgreSQL: `count` worker processes (workerProcess.ts) sharing one queue, each its own
 * DeliveryWorker, claims and connection pool. Processes, not several DeliveryWorkers in this one:
 * that is how a user scales out (several `atlas-connect worker` processes), and workers sharing one
 * event loop would measure that loop, not the cost of coordinating through the database. Like the
 * bench process, each first delivers a warm-up batch (untimed); then the events are recorded, and
 * the round is timed from sending `start` to every process until nothing is pending, then checked
 * that every delivery was attempted exactly once.
 */
async function processesRate(
  dir: string,
  receiver: ChildProcess,
  url: string,
  count: number,
): Promise<Omit<ProcessesFigure, 'ratio'>> {
  const warmUp = Math.ceil(THROUGHPUT_EVENTS / 5);
  const { storage, accountId } = await storageWithEvents(dir, url, warmUp, `processes${count}`);
  const children: ChildProcess[] = [];
  const all = (message: string, key: string) =>
    Promise.all(children.map((c) => ask<Record<string, unknown>>(c, message, key)));
  try {
    for (let i = 0; i < count; i += 1) children.push(await forkWorkerProcess(storage.schema!));
    const warmedUp = (await expectRequests(receiver, warmUp)).reached;
    await all('start', 'started');
    await untilDelivered(storage, warmUp, warmedUp);
    await all('stop', 'stopped');
    await recordEvents(storage, accountId, THROUGHPUT_EVENTS);
    const total = warmUp + THROUGHPUT_EVENTS;

    const receiverBefore = await ask<{ cpuMicros: number }>(receiver, 'cpu', 'cpuMicros');
    const arrived = (await expectRequests(receiver, THROUGHPUT_EVENTS)).reached;
    const machineBefore = cpuTicks();
    const started = performance.now();
    await all('start', 'started');
    await untilDelivered(storage, total, arrived);
    const rate = THROUGHPUT_EVENTS / ((performance.now() - started) / 1000);
    const machine = machineCpu(machineBefore, cpuTicks(), THROUGHPUT_EVENTS);
    const workers = await Promise.all(children.map((c) => ask<{ cpuMicros: number }>(c, 'cpu', 'cpuMicros')));
    const receiverAfter = await ask<{ cpuMicros: number }>(receiver, 'cpu', 'cpuMicros');
    await all('stop', 'stopped');
    await checkAttemptedOnce(storage, total);
    return {
      deliveriesPerSecond: Math.round(rate),
      cpuMicrosPerDelivery: {
        workers: Math.round(workers.reduce((sum, w) => sum + w.cpuMicros, 0) / THROUGHPUT_EVENTS),
        receiver: Math.round((receiverAfter.cpuMicros - receiverBefore.cpuMicros) / THROUGHPUT_EVENTS),
        machine: machine === undefined ? undefined : Math.round(machine),
      },
    };
  } finally {
    for (const child of children) child.send('exit');
    await closeBenchStorage(storage);
  }
}

/** Runs the timed part of a rate round and records the CPU time per request here and in the receiver. */
async function measureCpu(
  receiver: ChildProcess,
  into: CpuMicros[],
  round: () => Promise<number>,
): Promise<number> {
  const receiverBefore = await ask<{ cpuMicros: number }>(receiver, 'cpu', 'cpuMicros');
  const machineBefore = cpuTicks();
  const before = process.cpuUsage();
  const rate = await round();
  const used = process.cpuUsage(before);
  const machineAfter = cpuTicks();
  const receiverAfter = await ask<{ cpuMicros: number }>(receiver, 'cpu', 'cpuMicros');
  into.push({
    bench: (used.user + used.system) / THROUGHPUT_EVENTS,
    receiver: (receiverAfter.cpuMicros - receiverBefore.cpuMicros) / THROUGHPUT_EVENTS,
    machine: machineCpu(machineBefore, machineAfter, THROUGHPUT_EVENTS),
  });
  return rate;
}

function medianCpu(values: CpuMicros[]): CpuMicros {
  const machine = values.map((v) => v.machine).filter((v) => v !== undefined);
  return {
    bench: Math.round(median(values.map((v) => v.bench))),
    receiver: Math.round(median(values.map((v) => v.receiver))),
    ...(machine.length ? { machine: Math.round(median(machine)) } : {}),
  };
}

function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function latencyAtRate(dir: string, receiver: ChildProcess, url: string): Promise<LatencyStats> {
  const storage = await openBenchStorage(dir, 'latency');
  // The rounds before this one (the peers' among them) leave PostgreSQL with gigabytes of dirty
  // pages, and the checkpoint that flushes them ran into this phase: its recordEvent p99 was 73 ms
  // after them against 17 ms alone. A checkpoint first measures 500 events/s as a server running
  // at that rate sees it, not the flush of the throughput rounds.
  await checkpoint(storage);
  const accountId = await subscribedAccount(storage, url);
  const w = benchWorker(storage);
  await w.start();
  await ask(receiver, 'reset', 'reset' as never);
  const total = OFFERED_RATE * LATENCY_SECONDS;
  const arrived = (await expectRequests(receiver, total)).reached;
  const started = performance.now();
  let sent = 0;
  // How long each recordEvent took, commit included: the API's share of the latency, not the queue's.
  const recorded: number[] = [];
  const committedAt = new Map<string, number>();
  // Events are recorded on schedule (a few per 10 ms tick), as API requests would arrive.
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * OFFERED_RATE));
      const batch: Array<Promise<unknown>> = [];
      for (; sent < due; sent += 1) {
        const called = performance.now();
        batch.push(
          recordEvent(storage.db, systemClock, {
            accountId,
            campaignId: null,
            triggerName: 'account_updated',
            data: SAMPLE_DATA,
          }).then((event) => {
            recorded.push(performance.now() - called);
            committedAt.set(event.id, Date.now());
          }),
        );
      }
      if (sent >= total) {
        clearInterval(tick);
        void Promise.all(batch).then(() => resolve());
      }
    }, 10);
  });
  await untilDelivered(storage, total, arrived);
  const stats = await ask<Stats>(receiver, 'stats', 'latencies');
  await w.stop();
  await closeBenchStorage(storage);
  // From the event's commit to its attempt: the queue's share (the clocks are the same machine's).
  const queued = stats.arrivals.map(([id, arrived]) => arrived - (committedAt.get(id) ?? NaN));
  return { ...stats, offered: OFFERED_RATE, recorded, queued };
}

/** One round of each peer, each paired with a raw round run just before it. */
async function peerRates(receiver: ChildProcess, url: string): Promise<Record<string, PeerFigure | string>> {
  const peers: Record<string, PeerFigure | string> = {};
  const runs: Array<[string, (() => Promise<number>) | string]> = [
    ['bullmqOnRedis', () => bullmqRate(REDIS_URL, url, THROUGHPUT_EVENTS, CONCURRENCY, sampleEnvelope())],
    [
      'graphileWorkerOnPostgres',
      DATABASE_URL
        ? () => graphileRate(DATABASE_URL, url, THROUGHPUT_EVENTS, CONCURRENCY, sampleEnvelope())
        : 'skipped: needs BENCH_DATABASE_URL',
    ],
  ];
  for (const [name, runPeer] of runs) {
    if (typeof runPeer === 'string') {
      peers[name] = runPeer;
      continue;
    }
    try {
      const raw = await rawRate(url, THROUGHPUT_EVENTS);
      const cpu: CpuMicros[] = [];
      const rate = await measureCpu(receiver, cpu, runPeer);
      peers[name] = {
        deliveriesPerSecond: Math.round(rate),
        ratio: Math.round((rate / raw) * 100) / 100,
        cpuMicrosPerDelivery: medianCpu(cpu),
      };
    } catch (err) {
      peers[name] = `failed: ${(err as Error).message}`;
    }
  }
  return peers;
}

/**
 * The machine's CPU ticks so far, all, stolen (by the hypervisor for other guests) and busy (neither
 * idle, waiting for I/O nor stolen), from /proc/stat; undefined where there is none.
 */
function cpuTicks(): { total: number; steal: number; busy: number } | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]!
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const total = fields.reduce((a, b) => a + b, 0);
    const steal = fields[7] ?? 0;
    return { total, steal, busy: total - (fields[3] ?? 0) - (fields[4] ?? 0) - steal };
  } catch {
    return undefined;
  }
}

/** Linux counts /proc/stat in USER_HZ ticks, 100 a second on every architecture Node runs on. */
const MICROS_PER_TICK = 10_000;

/**
 * The whole machine's busy CPU time per request between two readings (µs): every process's, the
 * database server, Redis and the kernel's included, so engines and peers that put their work in
 * other processes are compared on what they cost in all. Tick resolution: ±1 tick in a 1 s round
 * of 2 cores is ±0.5%.
 */
function machineCpu(
  before: ReturnType<typeof cpuTicks>,
  after: ReturnType<typeof cpuTicks>,
  requests: number,
): number | undefined {
  if (!before || !after) return undefined;
  return ((after.busy - before.busy) * MICROS_PER_TICK) / requests;
}

type LatencyStats = Stats & { offered: number; recorded: number[]; queued: number[] };

function latencyFigures(latency: LatencyStats) {
  const sorted = [...latency.latencies].sort((a, b) => a - b);
  const recorded = [...latency.recorded].sort((a, b) => a - b);
  const queued = [...latency.queued].sort((a, b) => a - b);
  return {
    offeredEventsPerSecond: latency.offered,
    latencyEvents: sorted.length,
    latencyP50Ms: percentile(sorted, 50),
    latencyP99Ms: percentile(sorted, 99),
    latencyMaxMs: sorted[sorted.length - 1],
    // Of which recording the event (the API's transaction and commit, waiting for a connection too).
    recordEventP50Ms: Math.round(percentile(recorded, 50)),
    recordEventP99Ms: Math.round(percentile(recorded, 99)),
    // And from the event's commit to its first attempt: the queue's own latency.
    committedToAttemptP50Ms: percentile(queued, 50),
    committedToAttemptP99Ms: percentile(queued, 99),
  };
}

async function main(): Promise<void> {
  const ticksBefore = cpuTicks();
  const dir = mkdtempSync(path.join(tmpdir(), 'atlas-bench-'));
  const { child, url } = await startReceiver();
  try {
    if (LATENCY_ONLY) {
      // The same durable warm-up as a full run first: cold, the process recorded events too slowly
      // to keep up with the offered rate, and the figure measured that instead.
      await durableRate(dir, child, url, Math.ceil(THROUGHPUT_EVENTS / 5), -1);
      console.log(JSON.stringify(latencyFigures(await latencyAtRate(dir, child, url)), null, 2));
      return;
    }
    // Warm-up for both sides (JIT, connections, page cache), discarded: the first rounds ran ~40% slow.
    await rawRate(url, THROUGHPUT_EVENTS);
    await durableRate(dir, child, url, Math.ceil(THROUGHPUT_EVENTS / 5), -1);
    // Loopback rates on a small machine are noisy: alternate the two measurements and take medians.
    const raws: number[] = [];
    const durables: number[] = [];
    const cpu = { raw: [] as CpuMicros[], durable: [] as CpuMicros[] };
    for (let round = 0; round < ROUNDS; round += 1) {
      raws.push(await measureCpu(child, cpu.raw, () => rawRate(url, THROUGHPUT_EVENTS)));
      durables.push(
        await durableRate(dir, child, url, THROUGHPUT_EVENTS, round, (part) =>
          measureCpu(child, cpu.durable, part),
        ),
      );
    }
    const raw = median(raws);
    const durable = median(durables);
    // Each durable round against the raw round just before it: on a shared VM the CPU time stolen
    // by other guests drifts within a run (here up to a fifth of it), and a pair run back to back
    // sees about the same machine. The headline ratio is the median of these.
    const pairedRatios = durables.map((rate, i) => rate / raws[i]!);
    // PostgreSQL's workers share the queue: one paired round each with one and with two worker
    // processes, so the cost of coordinating is read against one worker run the same way.
    let workerProcesses: { one: ProcessesFigure; two: ProcessesFigure } | undefined;
    if (DATABASE_URL) {
      const paired = async (count: number): Promise<ProcessesFigure> => {
        const raw = await rawRate(url, THROUGHPUT_EVENTS);
        const figure = await processesRate(dir, child, url, count);
        return { ...figure, ratio: Math.round((figure.deliveriesPerSecond / raw) * 100) / 100 };
      };
      workerProcesses = { one: await paired(1), two: await paired(2) };
    }
    const peers = PEERS ? await peerRates(child, url) : undefined;
    const latency = await latencyAtRate(dir, child, url);
    const ticksAfter = cpuTicks();
    const result: DeliveryResult = {
      date: new Date().toISOString(),
      machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`,
      // The share of the machine's CPU time taken by the hypervisor during the run (a VM's noise).
      stolenCpuShare:
        ticksBefore && ticksAfter
          ? Math.round(
              ((ticksAfter.steal - ticksBefore.steal) / (ticksAfter.total - ticksBefore.total)) * 100,
            ) / 100
          : null,
      engine: DATABASE_URL ? 'postgres' : 'sqlite',
      concurrency: CONCURRENCY,
      rawPostsPerSecondRounds: raws.map(Math.round),
      durableDeliveriesPerSecondRounds: durables.map(Math.round),
      rawPostsPerSecond: Math.round(raw),
      durableDeliveriesPerSecond: Math.round(durable),
      ratioRounds: pairedRatios.map((r) => Math.round(r * 100) / 100),
      ratio: Math.round(median(pairedRatios) * 100) / 100,
      ratioOfMedians: Math.round((durable / raw) * 100) / 100,
      // CPU time per request (µs, medians): this process (all its threads) and the receiver's.
      rawCpuMicrosPerPost: medianCpu(cpu.raw),
      durableCpuMicrosPerDelivery: medianCpu(cpu.durable),
      ...(workerProcesses ? { workerProcesses } : {}),
      ...(peers ? { peers } : {}),
      ...latencyFigures(latency),
    };
    console.log(JSON.stringify(result, null, 2));
    // For `npm run bench` (run.ts), which tables SQLite's and PostgreSQL's runs together.
    if (process.env.BENCH_RESULT_FILE) writeFileSync(process.env.BENCH_RESULT_FILE, JSON.stringify(result));
  } finally {
    child.kill();
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
