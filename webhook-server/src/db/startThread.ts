import path from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread on one of this project's modules, given by its path without extension.
 * Node 20 loads only JavaScript in a thread. Run from dist/ (this file is .js), the compiled module
 * is the thread's entry. Run from the sources (ts-jest, tsx: this file is .ts), the entry is a
 * TypeScript file, so a two-statement bootstrap registers tsx's require hook in the thread first;
 * tsx is a devDependency, and dist/ never loads it.
 */
export function startThread(entry: string, options: WorkerOptions): Worker {
  if (path.extname(__filename) !== '.ts') return new Worker(`${entry}.js`, options);
  const tsx = JSON.stringify(require.resolve('tsx/cjs/api'));
  const bootstrap = `require(${tsx}).register(); require(${JSON.stringify(`${entry}.ts`)});`;
  return new Worker(bootstrap, { ...options, eval: true });
}
