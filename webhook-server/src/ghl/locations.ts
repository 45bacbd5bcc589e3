import type { GhlLocationRow } from '../db/schema';
import type { Clock } from '../domain/clock';
import { inTransaction, type Db } from '../domain/db';
import { AppError, conflict } from '../domain/errors';
import { removeSubscription } from '../domain/hooks/subscriptions';

export async function findLocation(db: Db, locationId: string): Promise<GhlLocationRow | undefined> {
  return db.selectFrom('ghl_locations').selectAll().where('location_id', '=', locationId).executeTakeFirst();
}

/** Links an installed location to an Atlas account; a location belongs to one account only. */
export async function linkLocation(
  db: Db,
  clock: Clock,
  locationId: string,
  accountId: string,
): Promise<void> {
  const linked = await db
    .updateTable('ghl_locations')
    .set({ account_id: accountId, linked_at: clock.now().toISOString() })
    .where('location_id', '=', locationId)
    .where((eb) => eb.or([eb('account_id', 'is', null), eb('account_id', '=', accountId)]))
    .executeTakeFirst();
  if (Number(linked.numUpdatedRows) > 0) return;
  if (await findLocation(db, locationId))
    throw conflict(
      'This GHL location is already linked to another Atlas account. Uninstall the Atlas app from the location in GHL, then install it again.',
    );
  throw new AppError(
    404,
    'This GHL location has not installed the Atlas app. Install it from the GHL marketplace.',
  );
}

/** The account a location is linked to; a 403 GHL shows when it is not installed or not linked. */
export async function requireLinkedAccount(db: Db, locationId: string): Promise<string> {
  const row = await db
    .selectFrom('ghl_locations')
    .select('account_id')
    .where('location_id', '=', locationId)
    .executeTakeFirst();
  if (!row)
    throw new AppError(
      403,
      `GHL location ${locationId} has not installed the Atlas app. Install it from the GHL marketplace.`,
    );
  if (!row.account_id)
    throw new AppError(
      403,
      `GHL location ${locationId} is installed but not linked to an Atlas account. Finish the install: sign in on the Atlas page it opened (or open /integrations/ghl/install).`,
    );
  return row.account_id;
}

/** UNINSTALL: the location's tokens and every subscription its workflows made are removed. */
export async function uninstallLocation(db: Db, clock: Clock, locationId: string): Promise<void> {
  await inTransaction(db, async (trx) => {
    const triggers = await trx
      .selectFrom('ghl_trigger_subscriptions')
      .select('subscription_id')
      .where('location_id', '=', locationId)
      .execute();
    for (const trigger of triggers) await removeSubscription(trx, clock, trigger.subscription_id);
    await trx.deleteFrom('ghl_trigger_subscriptions').where('location_id', '=', locationId).execute();
    await trx.deleteFrom('ghl_locations').where('location_id', '=', locationId).execute();
  });
}
