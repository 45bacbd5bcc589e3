import type { Command } from 'commander';
import { changePlan } from '../../domain/accounts';
import { systemClock } from '../../domain/clock';
import type { CommandContext } from '../context';
import { PLAN_CHOICES, requirePlan } from '../options';

export function registerPlanCommands(program: Command, { storage, print }: CommandContext): void {
  program
    .command('plans')
    .description('Manage plans')
    .command('set')
    .description("Change an account's plan now (emits plan_changed)")
    .requiredOption('--account <id>', 'account id')
    .requiredOption('--plan <plan>', `plan: ${PLAN_CHOICES}`)
    .option('--json', 'print JSON')
    .action(async (opts: { account: string; plan: string; json?: boolean }) => {
      const planId = requirePlan(opts.plan);
      const change = await storage.use((s) => changePlan(s.db, systemClock, opts.account, planId));
      print(
        !!opts.json,
        { ...change.account, changed: change.changed },
        change.changed
          ? `Account ${opts.account} is now on ${change.account.planName}.`
          : `Account ${opts.account} is already on ${change.account.planName}.`,
      );
    });
}
