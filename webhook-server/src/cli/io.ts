/** Where the CLI writes and what it reads from its environment; tests pass their own. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
  /** Calls fn on Ctrl-C (SIGINT) until the returned function is called. */
  onInterrupt?(fn: () => void): () => void;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text + '\n'),
  err: (text) => process.stderr.write(text + '\n'),
  env: process.env,
  onInterrupt: (fn) => {
    process.on('SIGINT', fn);
    return () => process.off('SIGINT', fn);
  },
};

/** Prints JSON with --json, the human line otherwise. */
export function printer(io: CliIo): (json: boolean, value: object, human: string) => void {
  return (json, value, human) => io.out(json ? JSON.stringify(value, null, 2) : human);
}
