import type { Command } from 'commander';
import { getAccountRow } from '../../domain/accounts';
import { issueApiKey } from '../../domain/apiKeys';
import { systemClock } from '../../domain/clock';
import type { CommandContext } from '../context';

export function registerApiKeyCommands(program: Command, { storage, print }: CommandContext): void {
  program
    .command('api-keys')
    .description('Manage API keys')
    .command('create')
    .description("Issue the account's API key (revokes the previous one); printed once")
    .requiredOption('--account <id>', 'account id')
    .option('--json', 'print JSON')
    .action(async (opts: { account: string; json?: boolean }) => {
      const key = await storage.use(async (s) => {
        await getAccountRow(s.db, opts.account);
        return issueApiKey(s.db, systemClock, opts.account);
      });
      print(
        !!opts.json,
        { id: key.id, accountId: key.accountId, apiKey: key.apiKey, createdAt: key.createdAt },
        `API key (shown once): ${key.apiKey}`,
      );
    });
}
