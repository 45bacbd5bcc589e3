import { sql } from 'kysely';
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

/**
 * A backlog behind the pending deliveries of `hookUrl`'s subscription: `copies` copies of each under
 * new ids (`<id>_<n>`), the n-th due n ms earlier, as if recorded one by one (which, for thousands
 * of events, takes seconds). Returns nothing: read the rows back in due order.
 */
export async function addBacklog(storage: Storage, hookUrl: string, copies: number): Promise<void> {
  await sql`INSERT INTO deliveries
    SELECT (jsonb_populate_record(d, jsonb_build_object(
      'id', d.id || '_' || n,
      'next_attempt_at', to_char(d.next_attempt_at::timestamptz AT TIME ZONE 'UTC' - n * interval '1 ms',
        'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))).*
    FROM deliveries d, generate_series(1, ${copies}) n
    WHERE d.hook_url = ${hookUrl} AND d.status = 'pending'`.execute(storage.db);
}
