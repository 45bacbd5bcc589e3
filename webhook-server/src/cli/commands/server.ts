import type { Command } from 'commander';
import { loadConfig } from '../../config';
import { migrate } from '../../db/migrate';
import { serveForever } from '../../server';
import { workForever } from '../../workerProcess';
import type { CommandContext } from '../context';

/** serve, worker and migrate: the long-running processes and the schema. */
export function registerServerCommands(program: Command, { io, storage, print }: CommandContext): void {
  program
    .command('serve')
    .description('Run the HTTP server (migrates the database first)')
    .action(async () => {
      await serveForever(loadConfig(io.env));
    });

  program
    .command('worker')
    .description('Run the delivery worker alone (several on PostgreSQL; one per SQLite database)')
    .action(async () => {
      await workForever(loadConfig(io.env));
    });

  program
    .command('migrate')
    .description('Apply pending database migrations')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const applied = await storage.use((s) => migrate(s));
      print(
        !!opts.json,
        { applied },
        applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.',
      );
    });
}
