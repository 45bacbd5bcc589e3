import type { Clock } from '../domain/clock';
import { inTransaction, type Db } from '../domain/db';
import { notFound } from '../domain/errors';
import { uninstallLocation } from './locations';

/** A GHL location linked to an account, as its admin sees it among the connected apps. */
export interface LinkedLocation {
  locationId: string;
  name: string;
  linkedAt: string;
  /**
   * When GHL and Atlas last worked together for the location: the latest delivery attempt into
   * one of its workflow triggers, call started by one of its workflow actions, or trigger
   * published or changed by one of its workflows. Null if none of that has happened yet.
   */
  lastUsedAt: string | null;
}

const latest = (...instants: (string | null | undefined)[]): string | null =>
  instants.reduce<string | null>((max, at) => (at && (!max || at > max) ? at : max), null);

/** The account's linked locations, oldest link first (tokens are never read here). */
export async function listLinkedLocations(db: Db, accountId: string): Promise<LinkedLocation[]> {
  const locations = await db
    .selectFrom('ghl_locations')
    .select(['location_id', 'name', 'linked_at'])
    .where('account_id', '=', accountId)
    .orderBy('linked_at', 'asc')
    .orderBy('location_id', 'asc')
    .execute();
  if (!locations.length) return [];
  const ids = locations.map((row) => row.location_id);
  const attempts = await db
    .selectFrom('ghl_trigger_subscriptions as t')
    .innerJoin('deliveries as d', 'd.subscription_id', 't.subscription_id')
    .innerJoin('delivery_attempts as a', 'a.delivery_id', 'd.id')
    .select(['t.location_id', (eb) => eb.fn.max('a.started_at').as('at')])
    .where('t.location_id', 'in', ids)
    .where('d.account_id', '=', accountId)
    .groupBy('t.location_id')
    .execute();
  const triggers = await db
    .selectFrom('ghl_trigger_subscriptions')
    .select(['location_id', (eb) => eb.fn.max('updated_at').as('at')])
    .where('location_id', 'in', ids)
    .groupBy('location_id')
    .execute();
  const calls = await db
    .selectFrom('ghl_calls')
    .select(['location_id', (eb) => eb.fn.max('created_at').as('at')])
    .where('location_id', 'in', ids)
    .groupBy('location_id')
    .execute();
  const byLocation = (rows: { location_id: string; at: string | null }[]) =>
    new Map(rows.map((row) => [row.location_id, row.at]));
  const [lastAttempt, lastTrigger, lastCall] = [attempts, triggers, calls].map(byLocation);
  return locations.map((row) => ({
    locationId: row.location_id,
    name: row.name,
    linkedAt: row.linked_at!,
    lastUsedAt: latest(
      lastAttempt!.get(row.location_id),
      lastTrigger!.get(row.location_id),
      lastCall!.get(row.location_id),
    ),
  }));
}

/**
 * Disconnects a location from the account's side, as GHL's UNINSTALL would: its tokens and every
 * subscription its workflows made are removed and the link goes with them. GHL still lists the
 * app as installed there; installing it again makes a new link. A location this account has not
 * linked is not found (404), whoever else linked it.
 */
export async function disconnectLocation(
  db: Db,
  clock: Clock,
  accountId: string,
  locationId: string,
): Promise<void> {
  await inTransaction(db, async (trx) => {
    const linked = await trx
      .selectFrom('ghl_locations')
      .select('location_id')
      .where('location_id', '=', locationId)
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    if (!linked) throw notFound(`No linked GHL location ${locationId} in this account.`);
    await uninstallLocation(trx, clock, locationId);
  });
}
