import type { Command } from 'commander';
import { createAccount } from '../../domain/accounts';
import { systemClock } from '../../domain/clock';
import type { CommandContext } from '../context';
import { PLAN_CHOICES, requirePlan, validateAccountOptions } from '../options';

export function registerAccountCommands(program: Command, { storage, print }: CommandContext): void {
  program
    .command('accounts')
    .description('Manage accounts')
    .command('create')
    .description('Create an account')
    .requiredOption('--company <name>', 'company name')
    .requiredOption('--admin-name <name>', 'admin name')
    .requiredOption('--email <email>', 'admin email (sign-in name)')
    .requiredOption('--password <password>', 'admin password, at least 10 characters')
    .option('--plan <plan>', `plan: ${PLAN_CHOICES}`, 'free')
    .option('--json', 'print JSON')
    .action(
      async (opts: {
        company: string;
        adminName: string;
        email: string;
        password: string;
        plan: string;
        json?: boolean;
      }) => {
        validateAccountOptions({
          companyName: opts.company,
          adminName: opts.adminName,
          adminEmail: opts.email,
        });
        const planId = requirePlan(opts.plan);
        const account = await storage.use((s) =>
          createAccount(s.db, systemClock, {
            companyName: opts.company,
            adminName: opts.adminName,
            adminEmail: opts.email,
            password: opts.password,
            planId,
          }),
        );
        print(
          !!opts.json,
          account,
          `Created account ${account.id} (${account.companyName}, ${account.planName}).`,
        );
      },
    );
}
