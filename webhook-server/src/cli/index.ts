import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config';
import { WorkerLockHeldError } from '../delivery/workerLock';
import { AppError } from '../domain/errors';
import { registerAccountCommands } from './commands/accounts';
import { registerApiKeyCommands } from './commands/apiKeys';
import { registerCampaignCommands } from './commands/campaigns';
import { registerDeliveryCommands } from './commands/deliveries';
import { registerListenCommand } from './commands/listen';
import { registerOAuthClientCommands } from './commands/oauthClients';
import { registerPlanCommands } from './commands/plans';
import { registerServerCommands } from './commands/server';
import { registerTriggerCommand } from './commands/trigger';
import type { CommandContext } from './context';
import { CliError } from './errors';
import { printer, processIo, type CliIo } from './io';
import { CliStorage } from './storage';

export type { CliIo } from './io';

/** The commands that keep running (and keep their storage open) after their action returns. */
const LONG_RUNNING = new Set(['serve', 'worker']);

/** Operator command line. Returns the exit code; `serve` and `worker` keep running instead. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const storage = new CliStorage(io);
  const context: CommandContext = { io, storage, print: printer(io) };
  const program = new Command('atlas-connect')
    .description('Operate atlas-connect: run the server, manage accounts, and watch and cause events.')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  registerServerCommands(program, context);
  registerAccountCommands(program, context);
  registerApiKeyCommands(program, context);
  registerCampaignCommands(program, context);
  registerPlanCommands(program, context);
  registerOAuthClientCommands(program, context);
  registerDeliveryCommands(program, context);
  registerListenCommand(program, context);
  registerTriggerCommand(program, context);

  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    return exitCodeOf(err, io);
  } finally {
    if (!LONG_RUNNING.has(argv[0] ?? '')) await storage.close();
  }
}

/** Expected failures print one line and exit 1; anything else is a bug and is rethrown. */
function exitCodeOf(err: unknown, io: CliIo): number {
  if (err instanceof CommanderError) return err.exitCode;
  if (err instanceof AppError || err instanceof CliError) {
    io.err(`Error: ${err.message}`);
    return 1;
  }
  if (err instanceof WorkerLockHeldError) {
    io.err(`Error: ${err.message}.`);
    return 1;
  }
  if (err instanceof ConfigError) {
    io.err(err.message);
    return 1;
  }
  throw err;
}
