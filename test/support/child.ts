import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ENTRY = path.join(__dirname, 'cliEntry.ts');

export interface CliProcess {
  process: ChildProcess;
  /** Resolves when a log line with this msg appears on stdout. */
  logged(msg: string, timeoutMs?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What it wrote to stderr so far. */
  stderr(): string;
  /** What it wrote to stdout so far. */
  stdout(): string;
}

/** `atlas-connect <args>` from source in a child process, logging JSON at info level. */
export function spawnCli(args: string[], env: Record<string, string>): CliProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], {
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'info', ATLAS_SEED_DEMO: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let errors = '';
  const listeners: Array<() => void> = [];
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  });
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    process: child,
    exited,
    stderr: () => errors,
    stdout: () => output,
    logged: (msg, timeoutMs = 15_000) =>
      new Promise<void>((resolve, reject) => {
        const needle = `"msg":"${msg}"`;
        const check = () => {
          if (!output.includes(needle)) return;
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(
          () =>
            reject(new Error(`child did not log "${msg}" in time.\nstdout: ${output}\nstderr: ${errors}`)),
          timeoutMs,
        );
        listeners.push(check);
        check();
        void exited.then(() => check());
      }),
  };
}
