import { sql } from 'kysely';
import type { Clock } from '../clock';
import type { Db } from '../db';

/** How a hook has fared: its last delivery that got through, and the failure share of recent attempts. */
export interface HookHealth {
  lastSuccessAt: string | null;
  recentAttempts: number;
  recentFailures: number;
}

export const HEALTH_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Health of each of the account's subscriptions that has any deliveries, by subscription id. */
export async function hookHealth(db: Db, clock: Clock, accountId: string): Promise<Map<string, HookHealth>> {
  const since = new Date(clock.now().getTime() - HEALTH_WINDOW_MS).toISOString();
  const successes = await db
    .selectFrom('deliveries')
    .select(['subscription_id', (eb) => eb.fn.max('delivered_at').as('last_success')])
    .where('account_id', '=', accountId)
    .where('delivered_at', 'is not', null)
    .groupBy('subscription_id')
    .execute();
  const attempts = await db
    .selectFrom('delivery_attempts as a')
    .innerJoin('deliveries as d', 'd.id', 'a.delivery_id')
    .select([
      'd.subscription_id',
      (eb) => eb.fn.countAll<number>().as('attempts'),
      sql<number>`sum(case when a.outcome = 'delivered' then 0 else 1 end)`.as('failures'),
    ])
    .where('d.account_id', '=', accountId)
    .where('a.started_at', '>=', since)
    .groupBy('d.subscription_id')
    .execute();
  const health = new Map<string, HookHealth>();
  const entry = (id: string) => {
    let found = health.get(id);
    if (!found) health.set(id, (found = { lastSuccessAt: null, recentAttempts: 0, recentFailures: 0 }));
    return found;
  };
  for (const row of successes) entry(row.subscription_id).lastSuccessAt = row.last_success ?? null;
  for (const row of attempts) {
    const found = entry(row.subscription_id);
    found.recentAttempts = Number(row.attempts);
    found.recentFailures = Number(row.failures);
  }
  return health;
}
