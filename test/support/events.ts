import type { Storage } from '../../webhook-server/src/db/storage';
import { systemClock } from '../../webhook-server/src/domain/clock';
import { recordEvent } from '../../webhook-server/src/domain/events';

/** Records `count` account_updated events (fanned out to the account's subscriptions); their ids in order. */
export async function recordEvents(storage: Storage, accountId: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const event = await recordEvent(storage.db, systemClock, {
      accountId,
      campaignId: null,
      triggerName: 'account_updated',
      data: { n: i },
    });
    ids.push(event.id);
  }
  return ids;
}
