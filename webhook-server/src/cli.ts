import { Command, CommanderError } from 'commander';
import type { AccountUpdate, PlanId } from '../../schemas/generated/types';
import { ConfigError, loadConfig } from './config';
import { openStorage, type Storage } from './db/storage';
import { migrate } from './db/migrate';
import { changePlan, createAccount, getAccountRow } from './domain/accounts';
import { issueApiKey } from './domain/apiKeys';
import { createCampaign } from './domain/campaigns';
import { createOAuthClient } from './domain/oauth/clients';
import { systemClock } from './domain/clock';
import { AppError } from './domain/errors';
import { DELIVERY_STATUSES, listDeliveries, replayDelivery } from './domain/hooks/deliveries';
import { PLANS, isPlanId } from './domain/plans';
import { MAX_PAGE_SIZE, parseLimit } from './http/pagination';
import { parseBody } from './http/validation';
import { serveForever } from './server';
import { WorkerLockHeldError } from './delivery/workerLock';
import { workForever } from './workerProcess';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
}

const processIo: CliIo = {
  out: (text) => process.stdout.write(text + '\n'),
  err: (text) => process.stderr.write(text + '\n'),
  env: process.env,
};

/** Operator command line. Returns the exit code; `serve` and `worker` keep running instead. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  let storage: Storage | undefined;
  const withStorage = async <T>(fn: (s: Storage) => Promise<T>): Promise<T> => {
    const config = loadConfig(io.env);
    storage = openStorage(config.databaseUrl);
    await migrate(storage);
    return fn(storage);
  };
  const print = (json: boolean, value: object, human: string) =>
    io.out(json ? JSON.stringify(value, null, 2) : human);

  const program = new Command('atlas-connect')
    .description('Operate atlas-connect: run the server, migrate the database, manage accounts.')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });

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

  const deliveries = program.command('deliveries').description('Inspect and replay webhook deliveries');
  deliveries
    .command('list')
    .description('Deliveries with their attempts, newest first')
    .option('--account <id>', 'only this account')
    .option('--subscription <id>', 'only this subscription')
    .option('--status <status>', `only this status: ${DELIVERY_STATUSES.join(', ')}`)
    .option('--limit <n>', 'how many, 1 to 100', '20')
    .option('--json', 'print JSON')
    .action(
      async (opts: {
        account?: string;
        subscription?: string;
        status?: string;
        limit: string;
        json?: boolean;
      }) => {
        const status = opts.status as (typeof DELIVERY_STATUSES)[number] | undefined;
        if (status !== undefined && !DELIVERY_STATUSES.includes(status))
          throw new AppError(
            400,
            `--status must be one of ${DELIVERY_STATUSES.join(', ')} (got "${opts.status}").`,
          );
        const limit = parseLimit(opts.limit, MAX_PAGE_SIZE, 20, '--limit');
        const found = await withStorage((s) =>
          listDeliveries(s.db, opts.account ?? null, { subscriptionId: opts.subscription, status }, limit),
        );
        const lines = found.map(
          (d) =>
            `${d.id}  ${d.status.padEnd(9)}  ${d.triggerName.padEnd(17)}  attempts ${d.attemptCount}  last ${d.lastStatusCode ?? d.lastError ?? '-'}  ${d.hookUrl}`,
        );
        print(!!opts.json, { data: found }, lines.length ? lines.join('\n') : 'No deliveries.');
      },
    );
  deliveries
    .command('replay')
    .description('Send a dead (or delivered) delivery again with a fresh retry schedule')
    .argument('<id>', 'delivery id (dlv_…)')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      const delivery = await withStorage((s) => replayDelivery(s.db, systemClock, null, id));
      print(!!opts.json, delivery, `Delivery ${delivery.id} is queued again.`);
    });

  program
    .command('migrate')
    .description('Apply pending database migrations')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const applied = await withStorage((s) => migrate(s));
      print(
        !!opts.json,
        { applied },
        applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.',
      );
    });

  const accounts = program.command('accounts').description('Manage accounts');
  accounts
    .command('create')
    .description('Create an account')
    .requiredOption('--company <name>', 'company name')
    .requiredOption('--admin-name <name>', 'admin name')
    .requiredOption('--email <email>', 'admin email (sign-in name)')
    .requiredOption('--password <password>', 'admin password, at least 10 characters')
    .option('--plan <plan>', `plan: ${PLANS.map((p) => p.id).join(', ')}`, 'free')
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
        validateOptions({ companyName: opts.company, adminName: opts.adminName, adminEmail: opts.email });
        const planId = requirePlan(opts.plan);
        const account = await withStorage((s) =>
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

  program
    .command('api-keys')
    .description('Manage API keys')
    .command('create')
    .description("Issue the account's API key (revokes the previous one); printed once")
    .requiredOption('--account <id>', 'account id')
    .option('--json', 'print JSON')
    .action(async (opts: { account: string; json?: boolean }) => {
      const key = await withStorage(async (s) => {
        await getAccountRow(s.db, opts.account);
        return issueApiKey(s.db, systemClock, opts.account);
      });
      print(
        !!opts.json,
        { id: key.id, accountId: key.accountId, apiKey: key.apiKey, createdAt: key.createdAt },
        `API key (shown once): ${key.apiKey}`,
      );
    });

  program
    .command('oauth-clients')
    .description('Manage OAuth2 clients (Zapier, Make, GHL)')
    .command('create')
    .description('Register an OAuth2 client; its secret is printed once')
    .requiredOption('--name <name>', 'app name shown on the consent page')
    .requiredOption(
      '--redirect-uri <uri>',
      'exact redirect URI (https; http only for localhost); repeat for several',
      (uri: string, previous: string[] = []) => [...previous, uri],
    )
    .option('--json', 'print JSON')
    .action(async (opts: { name: string; redirectUri: string[]; json?: boolean }) => {
      const client = await withStorage((s) =>
        createOAuthClient(s.db, systemClock, { name: opts.name, redirectUris: opts.redirectUri }),
      );
      print(
        !!opts.json,
        {
          clientId: client.id,
          clientSecret: client.clientSecret,
          name: client.name,
          redirectUris: client.redirectUris,
          createdAt: client.createdAt,
        },
        `Registered ${client.name}.\n  client_id:     ${client.id}\n  client_secret: ${client.clientSecret} (shown once)`,
      );
    });

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
      const campaign = await withStorage(async (s) => {
        await getAccountRow(s.db, opts.account);
        return createCampaign(s.db, systemClock, opts.account, name);
      });
      print(!!opts.json, campaign, `Created campaign ${campaign.id} (${campaign.name}).`);
    });

  program
    .command('plans')
    .description('Manage plans')
    .command('set')
    .description("Change an account's plan now (emits plan_changed)")
    .requiredOption('--account <id>', 'account id')
    .requiredOption('--plan <plan>', `plan: ${PLANS.map((p) => p.id).join(', ')}`)
    .option('--json', 'print JSON')
    .action(async (opts: { account: string; plan: string; json?: boolean }) => {
      const planId = requirePlan(opts.plan);
      const change = await withStorage((s) => changePlan(s.db, systemClock, opts.account, planId));
      print(
        !!opts.json,
        { ...change.account, changed: change.changed },
        change.changed
          ? `Account ${opts.account} is now on ${change.account.planName}.`
          : `Account ${opts.account} is already on ${change.account.planName}.`,
      );
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof AppError) {
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
  } finally {
    if (storage && argv[0] !== 'serve' && argv[0] !== 'worker') await storage.close();
  }
}

const OPTION_OF_FIELD: Record<string, string> = {
  companyName: '--company',
  adminName: '--admin-name',
  adminEmail: '--email',
};

/** Checks account options with the API's own schema, reporting problems by option name. */
function validateOptions(fields: AccountUpdate): void {
  try {
    parseBody<AccountUpdate>('AccountUpdate.json', fields);
  } catch (err) {
    if (!(err instanceof AppError) || !err.details) throw err;
    const details = err.details.map((d) => ({
      field: OPTION_OF_FIELD[d.field] ?? d.field,
      message: d.message,
    }));
    throw new AppError(
      400,
      `Invalid options: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}.`,
      details,
    );
  }
}

function requirePlan(plan: string): PlanId {
  if (!isPlanId(plan))
    throw new AppError(400, `--plan must be one of ${PLANS.map((p) => p.id).join(', ')} (got "${plan}").`);
  return plan;
}
