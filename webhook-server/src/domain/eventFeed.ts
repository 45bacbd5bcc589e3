import { encodeTime } from 'ulidx';
import type { TriggerName } from '../../../schemas/generated/types';
import type { Db } from './db';
import { TRIGGER_NAMES } from './hooks/samples';

/** One event as the stream sends it: the envelope JSON exactly as deliveries carry it. */
export interface FeedEvent {
  id: string;
  payload: string;
  /** Resume after this id to get every event after this one: the largest id returned up to it. */
  resumeAfter: string;
}

export interface FeedOptions {
  accountId: string;
  /** Only these triggers; every trigger when empty. */
  triggerNames: readonly TriggerName[];
  /** Resume after this event id (a stream's Last-Event-ID); otherwise start with events from now. */
  afterId?: string;
  /** How far back each read looks again, for events that committed after newer ones (ms). */
  lookbackMs: number;
  /** Real time in ms: event ids carry the wall-clock time they were made at, not a test clock's. */
  now?: () => number;
}

const PAGE = 100;

/**
 * How far back a read of the events looks again: longer than any transaction that writes an
 * event, so one committing after a newer one is still seen.
 */
export const EVENT_LOOKBACK_MS = 10_000;

/** The smallest event id made at time ms: ids are `evt_` + a ULID, whose first 10 characters are the time. */
function firstIdAt(ms: number): string {
  return `evt_${encodeTime(Math.max(0, ms), 10)}${'0'.repeat(16)}`;
}

/**
 * Where a read resuming after `afterId` at real time `nowMs` starts: `afterId`, or the first id of
 * the lookback window when that is older, so an event committed after a newer one is read again.
 */
export function rereadFrom(afterId: string, nowMs: number, lookbackMs: number): string {
  const window = firstIdAt(nowMs - lookbackMs);
  return afterId < window ? afterId : window;
}

/**
 * An account's events in the order they become visible, read from the durable events table, so it
 * sees what every process (API, worker, other servers) committed. Ids are made before their
 * transaction commits, so an event can appear after a newer one: each read looks `lookbackMs`
 * back again and skips what it already returned. `position` only grows (the largest id returned),
 * so resuming after it repeats nothing.
 */
export class EventFeed {
  private readonly now: () => number;
  /** Ids returned that a later read may see again (those above its lower bound). */
  private readonly returned = new Set<string>();
  private readonly start: string;
  private position: string | undefined;

  constructor(
    private readonly db: Db,
    private readonly options: FeedOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.start = options.afterId ?? firstIdAt(this.now());
    this.position = options.afterId;
  }

  /** Events committed since the last read, oldest first. */
  async read(): Promise<FeedEvent[]> {
    let lower = rereadFrom(this.position ?? this.start, this.now(), this.options.lookbackMs);
    if (lower < this.start) lower = this.start;
    for (const id of this.returned) if (id <= lower) this.returned.delete(id);

    const fresh: FeedEvent[] = [];
    for (let after = lower; ;) {
      const rows = await this.page(after);
      for (const row of rows) {
        if (this.returned.has(row.id)) continue;
        this.returned.add(row.id);
        if (this.position === undefined || row.id > this.position) this.position = row.id;
        fresh.push({ ...row, resumeAfter: this.position });
      }
      if (rows.length < PAGE) return fresh;
      after = rows[rows.length - 1]!.id;
    }
  }

  private page(afterId: string): Promise<Array<{ id: string; payload: string }>> {
    let query = this.db
      .selectFrom('events')
      .select(['id', 'payload'])
      .where('account_id', '=', this.options.accountId)
      .where('id', '>', afterId);
    // "Every trigger" means every subscriber-facing one: the outbox also holds the requests sent
    // to the calling platform (platform_call_dispatch, …), which are not the account's events.
    const triggerNames = this.options.triggerNames.length > 0 ? this.options.triggerNames : TRIGGER_NAMES;
    query = query.where('trigger_name', 'in', triggerNames);
    return query.orderBy('id', 'asc').limit(PAGE).execute();
  }
}
