// npm run bench: the delivery bench (delivery.ts) on SQLite, then on PostgreSQL with the peers,
// each engine in a child process of its own and one after the other, so they never share the CPU;
// then one table of both. PostgreSQL needs BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/test
// on the development machine); BENCH_ENGINES=sqlite or =postgres runs one engine. Every other
// BENCH_* variable passes to both runs (BENCH_ROUNDS, BENCH_EVENTS, BENCH_PEERS, ...).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { childScript } from './childScript';
import {
  deliveryTable,
  ENGINES as KNOWN_ENGINES,
  type DeliveryResult,
  type EngineResults,
} from './deliveryResult';

const DATABASE_URL = process.env.BENCH_DATABASE_URL;
/** Engines asked for by name must run: then a PostgreSQL run without BENCH_DATABASE_URL fails. */
const ASKED = process.env.BENCH_ENGINES !== undefined;
const ENGINES = (process.env.BENCH_ENGINES ?? 'sqlite,postgres').split(',').map((engine) => engine.trim());

/** One run of delivery.ts with these variables; its result, or why it has none. */
function runDelivery(env: NodeJS.ProcessEnv, resultFile: string): Promise<DeliveryResult | string> {
  return new Promise((resolve) => {
    // Its JSON goes to resultFile; its progress and errors (stderr) show as they come.
    const { file, execArgv } = childScript('delivery');
    const child = spawn(process.execPath, [...execArgv, file], {
      env: { ...env, BENCH_RESULT_FILE: resultFile },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.once('exit', (code) => {
      if (code !== 0) return resolve(`failed: delivery.ts exited with ${code}`);
      try {
        resolve(JSON.parse(readFileSync(resultFile, 'utf8')) as DeliveryResult);
      } catch {
        resolve('failed: delivery.ts wrote no result (BENCH_ONLY runs print theirs: npm run bench:delivery)');
      }
    });
  });
}

async function main(): Promise<void> {
  const unknown = ENGINES.filter((engine) => !(KNOWN_ENGINES as readonly string[]).includes(engine));
  if (unknown.length > 0) {
    console.error(`BENCH_ENGINES: unknown ${unknown.join(', ')}; use sqlite, postgres or both`);
    process.exitCode = 1;
    return;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'atlas-bench-run-'));
  const results: EngineResults = {};
  try {
    if (ENGINES.includes('sqlite')) {
      console.error('bench: SQLite …');
      const env: NodeJS.ProcessEnv = { ...process.env, BENCH_PEERS: '0' };
      delete env.BENCH_DATABASE_URL;
      results.sqlite = await runDelivery(env, path.join(dir, 'sqlite.json'));
    }
    if (ENGINES.includes('postgres')) {
      if (!DATABASE_URL)
        results.postgres = 'skipped: set BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test';
      else {
        console.error('bench: PostgreSQL and the peers …');
        results.postgres = await runDelivery(process.env, path.join(dir, 'postgres.json'));
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const first = Object.values(results).find((r): r is DeliveryResult => typeof r !== 'string');
  if (first) console.log(`${first.date}, ${first.machine}, concurrency ${first.concurrency}\n`);
  console.log(`${deliveryTable(results)}\n`);
  console.log(JSON.stringify(results, null, 2));
  const ran = (r: DeliveryResult | string) => typeof r !== 'string' || (!ASKED && r.startsWith('skipped'));
  if (!Object.values(results).every(ran)) process.exitCode = 1;
}

void main();
