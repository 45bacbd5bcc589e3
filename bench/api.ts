// npm run bench:api: requests/s of an authenticated GET /v1/api/account against a bare Express 5
// route returning the same JSON, and call_completed reports/s on POST /v1/internal/call-events,
// with autocannon at the same connections. The servers run in their own process (bench/apiServer.ts)
// so the load generator never takes their CPU time; each round's CPU time of that process divided
// by its requests is printed beside the rates, a figure the other load on a shared machine moves less.
import { fork, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import { childScript } from './childScript';
import {
  SERVICE_TOKEN,
  type ApiBenchReady,
  type ApiBenchReply,
  type ApiBenchRequest,
  type Stalls,
} from './apiServer';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** call_completed reports a round: each completes one call prepared beforehand. */
const REPORTS = Number(process.env.BENCH_REPORTS ?? 20000);
const DURATION_SECONDS = 42;
const DATABASE_URL = process.env.BENCH_DATABASE_URL;
/** A folder for the server process's CPU profile (node --cpu-prof), written when it exits. */
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF_DIR;
/** `account` or `call-events` runs only that part (to profile one), both by default. */
const ONLY = process.env.BENCH_ONLY;
const RUN_ACCOUNT = ONLY !== 'call-events';
const RUN_CALL_EVENTS = ONLY !== 'account';

interface Figure {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  /** CPU time of the server process (all its threads) per request, in µs. */
  serverCpuMicros: number;
  /** The server's event-loop lateness and GC pauses during the part (see Stalls). */
  serverStalls: Stalls;
}

class ServerProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly ready: ApiBenchReady,
  ) {}

  static async start(): Promise<ServerProcess> {
    const script = childScript('apiServer');
    const execArgv = [
      ...script.execArgv,
      ...(CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF_DIR}`] : []),
    ];
    const child = fork(script.file, [], { execArgv });
    const ready = await new Promise<ApiBenchReady>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the bench server exited (${code})`)));
      child.once('message', (reply: ApiBenchReply) =>
        reply.op === 'ready' ? resolve(reply.ready) : reject(new Error(JSON.stringify(reply))),
      );
    });
    return new ServerProcess(child, ready);
  }

  ask<Op extends ApiBenchRequest['op']>(
    request: Extract<ApiBenchRequest, { op: Op }>,
  ): Promise<Extract<ApiBenchReply, { op: Op }>> {
    return new Promise((resolve, reject) => {
      const onMessage = (reply: ApiBenchReply) => {
        this.child.off('message', onMessage);
        if (reply.op === 'error') reject(new Error(reply.message));
        else resolve(reply as Extract<ApiBenchReply, { op: Op }>);
      };
      this.child.on('message', onMessage);
      this.child.send(request);
    });
  }

  async cpu(): Promise<{ cpuMicros: number; stalls: Stalls }> {
    const { cpuMicros, stalls } = await this.ask({ op: 'cpu' });
    return { cpuMicros, stalls };
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await this.ask({ op: 'close' });
    await exited;
  }
}

async function measure(server: ServerProcess, options: autocannon.Options): Promise<Figure> {
  const before = await server.cpu();
  const result = await autocannon({ connections: CONNECTIONS, ...options });
  const after = await server.cpu();
  const cpu = after.cpuMicros - before.cpuMicros;
  return {
    // Answers over elapsed time: requests.average is a mean of whole seconds' counts, so a fixed
    // amount of reports finishing in 6.2 s read as 20000 / 6.
    requestsPerSecond: Math.round(
      result.requests.total / ((result.finish.getTime() - result.start.getTime()) / 1000),
    ),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx + result.errors + result.timeouts,
    serverCpuMicros: Math.round(cpu / Math.max(1, result.requests.total)),
    serverStalls: after.stalls,
  };
}

async function getAccount(server: ServerProcess, bare: boolean): Promise<Figure> {
  const { atlasUrl, bareUrl, apiKey } = server.ready;
  const figure = await measure(server, {
    url: `${bare ? bareUrl : atlasUrl}/v1/api/account`,
    duration: SECONDS,
    headers: bare ? {} : { 'api-key': apiKey },
  });
  // A refused answer is cheaper than the route's: counted in, it would flatter the rate.
  if (figure.non2xx > 0)
    throw new Error(
      `GET /v1/api/account (${bare ? 'bare' : 'atlas'}): ${figure.non2xx} answers were not 2xx`,
    );
  return figure;
}

/**
 * One call_completed report per prepared call, each sent once; afterwards every call must be
 * completed, debited once and have its one delivery queued, or the round fails.
 */
async function callEvents(server: ServerProcess, count: number, deliveriesBefore: number): Promise<Figure> {
  const { callIds } = await server.ask({ op: 'prepareCalls', count });
  const { atlasUrl, campaignId } = server.ready;
  let next = 0;
  let created = 0;
  // autocannon notices that a fixed amount is done only at its next one-second tick, so its
  // elapsed time rounds up to whole seconds: the rate is the reports over the time to the last answer.
  const started = performance.now();
  let lastAnswer = started;
  const figure = await measure(server, {
    url: `${atlasUrl}/v1/internal/call-events`,
    amount: callIds.length,
    // A report that timed out would be neither resent nor counted: on a loaded machine, wait.
    timeout: 120,
    requests: [
      {
        method: 'POST',
        headers: { authorization: `Bearer ${SERVICE_TOKEN}`, 'content-type': 'application/json' },
        setupRequest: (request) => ({
          ...request,
          body: JSON.stringify({
            type: 'call_completed',
            callId: callIds[next++],
            campaignId,
            phoneNumber: '+14155550100',
            status: 'completed',
            durationSeconds: DURATION_SECONDS,
            summary: 'The customer booked a demo for Tuesday.',
            occurredAt: new Date().toISOString(),
          }),
        }),
        onResponse: (status) => {
          lastAnswer = performance.now();
          if (status === 201) created += 1;
        },
      },
    ],
  });
  const { verdict } = await server.ask({ op: 'verifyCalls', callIds, durationSeconds: DURATION_SECONDS });
  const expected = {
    completed: count,
    ledgerRows: count,
    ledgerSeconds: count * DURATION_SECONDS,
    deliveries: deliveriesBefore + count,
  };
  if (created !== count || JSON.stringify(verdict) !== JSON.stringify(expected))
    throw new Error(
      `call-events round: ${created} of ${count} reports answered 201; found ${JSON.stringify(verdict)}, expected ${JSON.stringify(expected)}`,
    );
  figure.requestsPerSecond = Math.round(count / ((lastAnswer - started) / 1000));
  return figure;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const round2 = (value: number) => Math.round(value * 100) / 100;

interface Round {
  bareExpress?: Figure;
  getAccount?: Figure;
  ratio?: number;
  callEvents?: Figure;
}

async function main(): Promise<void> {
  const loadAtStart = loadavg()[0]!;
  const server = await ServerProcess.start();
  try {
    // Warm-up (JIT, connections, statement caches), discarded.
    if (RUN_ACCOUNT) {
      await getAccount(server, true);
      await getAccount(server, false);
    }
    let deliveries = 0;
    if (RUN_CALL_EVENTS) {
      const warmReports = Math.min(REPORTS, 2000);
      await callEvents(server, warmReports, deliveries);
      deliveries += warmReports;
    }

    const rounds: Round[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const figures: Round = {};
      if (RUN_ACCOUNT) {
        // Paired back to back, so both see about the same machine.
        figures.bareExpress = await getAccount(server, true);
        figures.getAccount = await getAccount(server, false);
        figures.ratio = round2(figures.getAccount.requestsPerSecond / figures.bareExpress.requestsPerSecond);
      }
      if (RUN_CALL_EVENTS) {
        figures.callEvents = await callEvents(server, REPORTS, deliveries);
        deliveries += REPORTS;
      }
      rounds.push(figures);
    }
    const medianOf = (pick: (round: Round) => number | undefined) => {
      const values = rounds.map(pick).filter((value): value is number => value !== undefined);
      return values.length ? median(values) : undefined;
    };
    console.log(
      JSON.stringify(
        {
          date: new Date().toISOString(),
          engine: DATABASE_URL ? 'postgres' : 'sqlite',
          connections: CONNECTIONS,
          seconds: SECONDS,
          reportsPerRound: REPORTS,
          loadAverage: { start: round2(loadAtStart), end: round2(loadavg()[0]!) },
          rounds,
          ratio: medianOf((r) => r.ratio),
          getAccountCpuMicros: medianOf((r) => r.getAccount?.serverCpuMicros),
          bareExpressCpuMicros: medianOf((r) => r.bareExpress?.serverCpuMicros),
          callEventsPerSecond: medianOf((r) => r.callEvents?.requestsPerSecond),
          callEventsP99Ms: medianOf((r) => r.callEvents?.p99Ms),
          callEventsCpuMicros: medianOf((r) => r.callEvents?.serverCpuMicros),
        },
        null,
        2,
      ),
    );
  } finally {
    await server.close();
  }
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
