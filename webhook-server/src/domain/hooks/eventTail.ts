import type { TriggerName } from '../../../../schemas/generated/types';
import type { Db } from '../db';
import { TRIGGER_NAMES } from './samples';

export interface TailEvent {
  id: string;
  triggerName: TriggerName;
  campaignId: string | null;
  createdAt: string;
}

/**
 * The account's events after `afterId` (oldest first), or its latest ones when none is given: what
 * the Integrations tab's live tail polls for. Ids are ULIDs, so "after" is "newer".
 */
export async function eventsAfter(db: Db, accountId: string, afterId: string | undefined, limit: number) {
  let query = db
    .selectFrom('events')
    .select(['id', 'trigger_name', 'campaign_id', 'created_at'])
    .where('account_id', '=', accountId)
    // Not the outbox's requests to the calling platform (platform_call_dispatch, …): only events.
    .where('trigger_name', 'in', TRIGGER_NAMES);
  if (afterId) query = query.where('id', '>', afterId);
  const rows = await query.orderBy('id', 'desc').limit(limit).execute();
  return rows.reverse().map((row): TailEvent => ({
    id: row.id,
    triggerName: row.trigger_name as TriggerName,
    campaignId: row.campaign_id,
    createdAt: row.created_at,
  }));
}
