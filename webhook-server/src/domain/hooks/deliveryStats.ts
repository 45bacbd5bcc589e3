import { sql } from 'kysely';
import type { Clock } from '../clock';
import type { Db } from '../db';

/** One hour of an account's deliveries: how those created in it stand, and its attempts' latency. */
export interface DeliveryStatsHour {
  /** Start of the hour, ISO-8601 UTC. */
  hour: string;
  delivered: number;
  /** Still pending after at least one failed attempt. */
  retrying: number;
  dead: number;
  attempts: number;
  /** Nearest-rank percentiles of the attempts started in the hour; null without attempts. */
  p50Ms: number | null;
  p95Ms: number | null;
}

export interface DeliveryStats {
  from: string;
  to: string;
  hours: DeliveryStatsHour[];
  totals: Omit<DeliveryStatsHour, 'hour'>;
}

export const STATS_HOURS = 24;
const HOUR_MS = 60 * 60 * 1000;

/** Nearest-rank percentile of ascending values: the smallest value with at least p% at or below it. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? null;
}

/** ISO timestamps are text on both engines; their first 13 characters are the hour (YYYY-MM-DDTHH). */
const hourOf = (column: string) => sql<string>`substr(${sql.ref(column)}, 1, 13)`;

/**
 * The Integrations tab's charts: the last 24 whole hours (the current one included), counted in
 * the database and never shipped row by row to the browser. Deliveries count in the hour they were
 * created, by where they stand now; pending ones not yet attempted and cancelled ones are left out.
 */
export async function deliveryStats(db: Db, clock: Clock, accountId: string): Promise<DeliveryStats> {
  const now = clock.now();
  const currentHour = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  const from = new Date(currentHour - (STATS_HOURS - 1) * HOUR_MS).toISOString();
  const outcome = sql<string>`case when d.status = 'pending' and d.attempt_count > 0 then 'retrying' else d.status end`;
  const counts = await db
    .selectFrom('deliveries as d')
    .select([
      hourOf('d.created_at').as('hour'),
      outcome.as('outcome'),
      (eb) => eb.fn.countAll<number>().as('n'),
    ])
    .where('d.account_id', '=', accountId)
    .where('d.created_at', '>=', from)
    .groupBy([hourOf('d.created_at'), outcome])
    .execute();
  const durations = await db
    .selectFrom('delivery_attempts as a')
    .innerJoin('deliveries as d', 'd.id', 'a.delivery_id')
    .select([hourOf('a.started_at').as('hour'), 'a.duration_ms'])
    .where('d.account_id', '=', accountId)
    .where('a.started_at', '>=', from)
    .orderBy('a.duration_ms', 'asc')
    .execute();

  const hours: DeliveryStatsHour[] = [];
  const byHour = new Map<string, { hour: DeliveryStatsHour; durations: number[] }>();
  for (let i = 0; i < STATS_HOURS; i++) {
    const start = new Date(currentHour - (STATS_HOURS - 1 - i) * HOUR_MS).toISOString();
    const hour = { hour: start, delivered: 0, retrying: 0, dead: 0, attempts: 0, p50Ms: null, p95Ms: null };
    hours.push(hour);
    byHour.set(start.slice(0, 13), { hour, durations: [] });
  }
  for (const row of counts) {
    const bucket = byHour.get(row.hour)?.hour;
    if (bucket && (row.outcome === 'delivered' || row.outcome === 'retrying' || row.outcome === 'dead'))
      bucket[row.outcome] += Number(row.n);
  }
  const all: number[] = [];
  for (const row of durations) {
    byHour.get(row.hour)?.durations.push(row.duration_ms);
    all.push(row.duration_ms);
  }
  for (const { hour, durations: sorted } of byHour.values()) {
    hour.attempts = sorted.length;
    hour.p50Ms = percentile(sorted, 50);
    hour.p95Ms = percentile(sorted, 95);
  }
  const sum = (key: 'delivered' | 'retrying' | 'dead') => hours.reduce((total, h) => total + h[key], 0);
  return {
    from,
    to: now.toISOString(),
    hours,
    totals: {
      delivered: sum('delivered'),
      retrying: sum('retrying'),
      dead: sum('dead'),
      attempts: all.length,
      p50Ms: percentile(all, 50),
      p95Ms: percentile(all, 95),
    },
  };
}
