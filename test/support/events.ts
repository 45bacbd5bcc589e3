import type { Storage } from '../../webhook-server/src/db/storage';
import { systemClock } from '../../webhook-server/src/domain/clock';
import { recordEvent } from '../../webhook-server/src/domain/events';
import { newAccount } from './accounts';
import { subscribe } from '../../webhook-server/src/domain/hooks/subscriptions';

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

/**
 * A new account named `name`, subscribed to account_updated at https://hooks.example.com/<name>, with
 * one event recorded: one pending delivery. The account's id.
 */
export async function accountWithOnePendingDelivery(storage: Storage, name: string): Promise<string> {
  const account = await newAccount(storage.db, systemClock, { planId: 'pro', companyName: name });
  await subscribe(storage.db, systemClock, account.id, {
    hookUrl: `https://hooks.example.com/${name.toLowerCase()}`,
    triggerName: 'account_updated',
  });
  await recordEvent(storage.db, systemClock, {
    accountId: account.id,
    campaignId: null,
    triggerName: 'account_updated',
    data: { account: { id: account.id }, changedFields: ['companyName'] },
  });
  return account.id;
}
