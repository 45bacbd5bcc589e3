import type { Clock } from '../domain/clock';
import { inTransaction, type Db } from '../domain/db';
import { badRequest } from '../domain/errors';
import { uninstallLocation } from './locations';

/** GHL's replay window for install/uninstall webhooks. */
export const WEBHOOK_MAX_AGE_MS = 5 * 60_000;

export interface InstallEvent {
  type: string;
  webhookId: string;
  timestamp: string;
  locationId?: string;
  companyId?: string;
}

/** The fields Atlas relies on, checked; a 400 names what is missing. */
export function parseInstallEvent(body: unknown, clock: Clock): InstallEvent {
  const event = (body ?? {}) as Record<string, unknown>;
  const text = (name: string) =>
    typeof event[name] === 'string' && event[name] ? (event[name] as string) : undefined;
  const type = text('type');
  const webhookId = text('webhookId');
  const timestamp = text('timestamp');
  const missing = [!type && 'type', !webhookId && 'webhookId', !timestamp && 'timestamp'].filter(
    (name): name is string => !!name,
  );
  if (missing.length)
    throw badRequest(
      `The webhook lacks ${missing.join(', ')}.`,
      missing.map((field) => ({ field, message: 'is required' })),
    );
  const sentAt = new Date(timestamp!).getTime();
  if (Number.isNaN(sentAt))
    throw badRequest('The webhook timestamp is not a date.', [
      { field: 'timestamp', message: 'must be a date-time' },
    ]);
  if (Math.abs(clock.now().getTime() - sentAt) > WEBHOOK_MAX_AGE_MS)
    throw badRequest(
      'The webhook timestamp is more than 5 minutes from now: a replay or a stale retry is refused.',
      [{ field: 'timestamp', message: 'must be within 5 minutes' }],
    );
  return {
    type: type!,
    webhookId: webhookId!,
    timestamp: timestamp!,
    locationId: text('locationId'),
    companyId: text('companyId'),
  };
}

/**
 * Applies one install/uninstall webhook once per webhookId (the id is recorded in the same
 * transaction as its effect). UNINSTALL removes the location's tokens and subscriptions; an
 * agency-level UNINSTALL (companyId only) removes every location of that company. INSTALL needs
 * nothing here: the tokens come through the OAuth callback.
 */
export async function applyInstallEvent(
  db: Db,
  clock: Clock,
  event: InstallEvent,
): Promise<'applied' | 'duplicate'> {
  return inTransaction(db, async (trx) => {
    const inserted = await trx
      .insertInto('ghl_webhook_events')
      .values({
        webhook_id: event.webhookId,
        type: event.type,
        location_id: event.locationId ?? null,
        received_at: clock.now().toISOString(),
      })
      .onConflict((oc) => oc.column('webhook_id').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return 'duplicate';
    if (event.type === 'UNINSTALL') {
      let locations = [event.locationId].filter((id): id is string => !!id);
      if (!locations.length && event.companyId) {
        const rows = await trx
          .selectFrom('ghl_locations')
          .select('location_id')
          .where('company_id', '=', event.companyId)
          .execute();
        locations = rows.map((row) => row.location_id);
      }
      for (const locationId of locations) await uninstallLocation(trx, clock, locationId);
    }
    return 'applied';
  });
}
