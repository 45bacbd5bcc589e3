// npm run bench:pg-cycle: the PostgreSQL queue's claim → record cycle alone, with no HTTP, so what
// the database spends per delivery can be read apart from the sender and the receiver. Prints the
// backend CPU (from /proc, for the queue's own connections) and the WAL written per delivery: the
// two figures the delivery rate on PostgreSQL is bound by on a shared 2-core machine, and which
// other load on the machine moves far less than a rate.
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { openStorage } from '../webhook-server/src/db/storage';
import { migrate } from '../webhook-server/src/db/migrate';
import { createAccount } from '../webhook-server/src/domain/accounts';
import { systemClock } from '../webhook-server/src/domain/clock';
import { recordEvent } from '../webhook-server/src/domain/events';
import { subscribe } from '../webhook-server/src/domain/hooks/subscriptions';
import { openPgDeliveryQueue } from '../webhook-server/src/delivery/pgQueue';
import type { FinishedAttempt } from '../webhook-server/src/delivery/queue';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const EVENTS = Number(process.env.BENCH_EVENTS ?? 20000);
const BATCH = Number(process.env.BENCH_CONCURRENCY ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** Claims whose results are recorded together (the worker's recorder gathers results of several claims). */
const CLAIMS_PER_RECORD = Number(process.env.BENCH_CLAIMS_PER_RECORD ?? 1);

/** utime + stime of a process, in microseconds (USER_HZ is 100 on Linux). */
function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/** A claim that finds nothing (its lease is in the past). */
function idleClaim() {
  return {
    now: '2000-01-01T00:00:00.000Z',
    lockedUntil: '2000-01-01T00:00:00.000Z',
    limit: 1,
    skipHookUrls: [],
  };
}

/** An LSN ('16/B374D848') as a byte position. */
function lsnBytes(lsn: string): bigint {
  const [high, low] = lsn.split('/');
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
}

async function round(n: number): Promise<Record<string, number>> {
  const schema = `bench_cycle_${Date.now()}`;
  const storage = openStorage(DATABASE_URL, { schema });
  try {
    await migrate(storage);
    const account = await createAccount(storage.db, systemClock, {
      companyName: 'Cycle',
      adminName: 'Cycle',
      adminEmail: `cycle.${Date.now()}@example.com`,
      password: 'benchmark-password',
      planId: 'pro',
    });
    await subscribe(storage.db, systemClock, account.id, {
      hookUrl: 'http://127.0.0.1:9/hook',
      triggerName: 'account_updated',
    });
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < EVENTS) {
          next += 1;
          await recordEvent(storage.db, systemClock, {
            accountId: account.id,
            campaignId: null,
            triggerName: 'account_updated',
            data: { account: { id: account.id, companyName: 'Cycle' }, changedFields: ['companyName'] },
          });
        }
      }),
    );
    // The queue's sessions as openPgDeliveryQueue opens them, named so their backends can be found.
    const named = {
      ...storage,
      openPool: (options: { poolSize: number; settings: Record<string, string> }) =>
        storage.openPool!({
          ...options,
          settings: {
            ...options.settings,
            application_name: schema,
          },
        }),
    };
    const queue = openPgDeliveryQueue(named, systemClock, `cycle-${n}`);
    await queue.open();
    // Open the claim's connection; the result connections open at the first record, so their
    // backends are read at the end too, counted from zero (a connection's start is a few ms).
    await queue.claim(idleClaim());
    const backends = async () =>
      (
        await sql<{
          pid: number;
        }>`select pid from pg_stat_activity where application_name = ${schema}`.execute(storage.db)
      ).rows.map((row) => row.pid);
    const wal = async () =>
      lsnBytes(
        (await sql<{ lsn: string }>`select pg_current_wal_lsn()::text as lsn`.execute(storage.db)).rows[0]!
          .lsn,
      );
    const cpuBefore = (await backends()).reduce((sum, pid) => sum + cpuMicros(pid), 0);
    const walBefore = await wal();
    const nodeBefore = process.cpuUsage();
    const started = performance.now();
    let delivered = 0;
    let unrecorded: FinishedAttempt[] = [];
    let claims = 0;
    for (;;) {
      const now = new Date();
      const claimed = await queue.claim({
        now: now.toISOString(),
        lockedUntil: new Date(now.getTime() + 30_000).toISOString(),
        limit: BATCH,
        skipHookUrls: [],
      });
      for (const d of claimed)
        unrecorded.push({
          deliveryId: d.id,
          subscriptionId: d.subscriptionId,
          attemptNumber: d.attemptCount + 1,
          startedAt: now.toISOString(),
          durationMs: 2,
          statusCode: 200,
          error: undefined,
          outcome: 'delivered',
          nextAttemptAt: undefined,
        });
      claims += 1;
      if (claimed.length === 0 || claims % CLAIMS_PER_RECORD === 0) {
        await queue.finish(unrecorded);
        delivered += unrecorded.length;
        unrecorded = [];
      }
      if (claimed.length === 0) break;
    }
    const seconds = (performance.now() - started) / 1000;
    const node = process.cpuUsage(nodeBefore);
    const backend = (await backends()).reduce((sum, pid) => sum + cpuMicros(pid), 0) - cpuBefore;
    const walBytes = Number((await wal()) - walBefore);
    await queue.close();
    if (delivered !== EVENTS) throw new Error(`${delivered} of ${EVENTS} delivered`);
    return {
      cyclesPerSecond: Math.round(delivered / seconds),
      backendCpuMicros: Math.round(backend / delivered),
      nodeCpuMicros: Math.round((node.user + node.system) / delivered),
      walBytes: Math.round(walBytes / delivered),
    };
  } finally {
    await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(storage.db);
    await storage.close();
  }
}

async function main(): Promise<void> {
  const rounds: Array<Record<string, number>> = [];
  for (let n = 0; n < ROUNDS; n++) rounds.push(await round(n));
  const median = (key: string) => rounds.map((r) => r[key]!).sort((a, b) => a - b)[Math.floor(ROUNDS / 2)];
  console.log(
    JSON.stringify(
      {
        events: EVENTS,
        batch: BATCH,
        claimsPerRecord: CLAIMS_PER_RECORD,
        rounds,
        median: Object.fromEntries(Object.keys(rounds[0]!).map((k) => [k, median(k)])),
      },
      null,
      2,
    ),
  );
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
