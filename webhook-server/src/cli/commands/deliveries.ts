import type { Command } from 'commander';
import { systemClock } from '../../domain/clock';
import { AppError } from '../../domain/errors';
import { DELIVERY_STATUSES, listDeliveries, replayDelivery } from '../../domain/hooks/deliveries';
import { MAX_PAGE_SIZE, parseLimit } from '../../input/limits';
import type { CommandContext } from '../context';

export function registerDeliveryCommands(program: Command, { storage, print }: CommandContext): void {
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
        const found = await storage.use((s) =>
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
      const delivery = await storage.use((s) => replayDelivery(s.db, systemClock, null, id));
      print(!!opts.json, delivery, `Delivery ${delivery.id} is queued again.`);
    });
}
