import { main } from '../../webhook-server/src/cli';

export interface CliRun {
  out: string[];
  err: string[];
  /** Resolves with the exit code. */
  done: Promise<number>;
  /** Resolves once a line on stdout or stderr matches. */
  printed(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Ctrl-C. */
  interrupt(): void;
}

/** `atlas-connect <argv>` in this process, its output captured line by line, Ctrl-C simulated. */
export function runCli(argv: string[], env: Record<string, string | undefined> = {}): CliRun {
  const out: string[] = [];
  const err: string[] = [];
  const waiters: Array<() => void> = [];
  let onInterrupt: (() => void) | undefined;
  const notify = () => waiters.forEach((w) => w());
  const done = main(argv, {
    out: (t) => (out.push(...t.split('\n')), notify()),
    err: (t) => (err.push(...t.split('\n')), notify()),
    env: { NODE_ENV: 'test', ...env },
    onInterrupt: (fn) => {
      onInterrupt = fn;
      return () => (onInterrupt = undefined);
    },
  });
  return {
    out,
    err,
    done,
    interrupt: () => onInterrupt?.(),
    printed: (pattern, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const line = [...out, ...err].find((l) => pattern.test(l));
          if (line === undefined) return;
          clearTimeout(timer);
          resolve(line);
        };
        const timer = setTimeout(
          () =>
            reject(
              new Error(`nothing printed matched ${pattern}\nout: ${out.join('\n')}\nerr: ${err.join('\n')}`),
            ),
          timeoutMs,
        );
        waiters.push(check);
        check();
        void done.then(check);
      }),
  };
}
