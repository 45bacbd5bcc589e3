import type { Clock } from '../clock';
import { inTransaction, type Db } from '../db';
import { notFound } from '../errors';
import { revokeGrant } from './grants';

/** One integration (OAuth client) connected to an account: its live grants taken together. */
export interface ConnectedApp {
  clientId: string;
  name: string;
  /** When the oldest live grant was authorized. */
  connectedAt: string;
  /** When one of its access tokens last authenticated a request (to the minute), if ever. */
  lastUsedAt: string | null;
  grants: number;
}

/** last_used_at is rewritten at most this often, so an API call is not always also a write. */
const USE_RESOLUTION_MS = 60 * 1000;

/** The apps an account has connected: grants whose code was exchanged and that are not revoked. */
export async function listConnectedApps(db: Db, accountId: string): Promise<ConnectedApp[]> {
  const rows = await db
    .selectFrom('oauth_grants as g')
    .innerJoin('oauth_clients as c', 'c.id', 'g.client_id')
    .select(['g.client_id', 'c.name', 'g.created_at', 'g.last_used_at'])
    .where('g.account_id', '=', accountId)
    .where('g.revoked_at', 'is', null)
    .where('g.code_used_at', 'is not', null)
    .orderBy('g.created_at', 'asc')
    .execute();
  const apps = new Map<string, ConnectedApp>();
  for (const row of rows) {
    const app = apps.get(row.client_id);
    if (!app) {
      apps.set(row.client_id, {
        clientId: row.client_id,
        name: row.name,
        connectedAt: row.created_at,
        lastUsedAt: row.last_used_at,
        grants: 1,
      });
      continue;
    }
    app.grants += 1;
    if (row.last_used_at && (!app.lastUsedAt || row.last_used_at > app.lastUsedAt))
      app.lastUsedAt = row.last_used_at;
  }
  return [...apps.values()];
}

/**
 * Disconnects an app from the account: every grant of that client is revoked, and with it every
 * token issued from it, so the integration's next API call gets 401. A client this account never
 * connected is not found (404), whatever other accounts did.
 */
export async function disconnectApp(
  db: Db,
  clock: Clock,
  accountId: string,
  clientId: string,
): Promise<number> {
  return inTransaction(db, async (trx) => {
    const grants = await trx
      .selectFrom('oauth_grants')
      .select('id')
      .where('account_id', '=', accountId)
      .where('client_id', '=', clientId)
      .where('revoked_at', 'is', null)
      .execute();
    if (grants.length === 0) throw notFound(`No connected app ${clientId} in this account.`);
    for (const grant of grants) await revokeGrant(trx, clock, grant.id, 'disconnected_by_admin');
    return grants.length;
  });
}

/** Notes that an access token of this grant was just used. */
export async function noteGrantUse(db: Db, clock: Clock, grantId: string): Promise<void> {
  const now = clock.now();
  const staleBefore = new Date(now.getTime() - USE_RESOLUTION_MS).toISOString();
  await db
    .updateTable('oauth_grants')
    .set({ last_used_at: now.toISOString() })
    .where('id', '=', grantId)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', staleBefore)]))
    .execute();
}
