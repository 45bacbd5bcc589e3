import type { Command } from 'commander';
import { getAccountRow } from '../../domain/accounts';
import { createCampaign } from '../../domain/campaigns';
import { systemClock } from '../../domain/clock';
import { AppError } from '../../domain/errors';
import type { CommandContext } from '../context';

export function registerCampaignCommands(program: Command, { storage, print }: CommandContext): void {
  program
    .command('campaigns')
    .description('Manage campaigns')
    .command('create')
    .description('Create a campaign')
    .requiredOption('--account <id>', 'account id')
    .requiredOption('--name <name>', 'campaign name')
    .option('--json', 'print JSON')
    .action(async (opts: { account: string; name: string; json?: boolean }) => {
      const name = opts.name.trim();
      if (!name || name.length > 200) throw new AppError(400, '--name must be 1 to 200 characters.');
      const campaign = await storage.use(async (s) => {
        await getAccountRow(s.db, opts.account);
        return createCampaign(s.db, systemClock, opts.account, name);
      });
      print(!!opts.json, campaign, `Created campaign ${campaign.id} (${campaign.name}).`);
    });
}
