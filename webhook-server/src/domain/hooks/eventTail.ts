import type { TriggerName } from '../../../../schemas/generated/types';
import type { Db } from '../db';
import { EVENT_LOOKBACK_MS, rereadFrom } from '../eventFeed';
import { TRIGGER_NAMES } from './samples';

export interface TailEvent {
  id: string;
  triggerName: TriggerName;
  campaignId: string | null;
  createdAt: string;
}

/**
 * The account's latest events after `afterId` (oldest first), or its latest ones when none is given:
 * what the Integrations tab's live tail polls for. Ids are ULIDs, so "after" is "newer". An id is
 * made before its transaction commits, so an event can commit after a newer one the tail already
 * showed: the events of the lookback window come again too, and the page drops those it has.
 * `now` is real time: ids carry the wall-clock time they were made at.
 */
export async function eventsAfter(
  db: Db,
  accountId: string,
  afterId: string | undefined,
  limit: number,
  now = Date.now(),
) {
  let query = db
    .selectFrom('events')
    .select(['id', 'trigger_name', 'campaign_id', 'created_at'])
    .where('account_id', '=', accountId)
    // Not the outbox's requests to the calling platform (platform_call_dispatch, …): only events.
    .where('trigger_name', 'in', TRIGGER_NAMES);
  if (afterId) query = query.where('id', '>', rereadFrom(afterId, now, EVENT_LOOKBACK_MS));
  const rows = await query.orderBy('id', 'desc').limit(limit).execute();
  return rows.reverse().map((row): TailEvent => ({
    id: row.id,
    triggerName: row.trigger_name as TriggerName,
    campaignId: row.campaign_id,
    createdAt: row.created_at,
  }));
}
