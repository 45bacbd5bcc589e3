import type { Campaign } from '../../../schemas/generated/types';
import type { CampaignRow } from '../db/schema';
import type { Clock } from './clock';
import type { Db } from './db';
import { notFound } from './errors';
import { newId } from './ids';

export function toCampaign(row: CampaignRow): Campaign {
  return { id: row.id, name: row.name, status: row.status as Campaign['status'], createdAt: row.created_at };
}

export async function createCampaign(
  db: Db,
  clock: Clock,
  accountId: string,
  name: string,
): Promise<Campaign> {
  const row: CampaignRow = {
    id: newId('cmp'),
    account_id: accountId,
    name,
    status: 'active',
    created_at: clock.now().toISOString(),
  };
  await db.insertInto('campaigns').values(row).execute();
  return toCampaign(row);
}

/** One page of the account's campaigns in creation order, starting after the cursor id. */
export async function listCampaigns(
  db: Db,
  accountId: string,
  limit: number,
  afterId?: string,
): Promise<Campaign[]> {
  let query = db.selectFrom('campaigns').selectAll().where('account_id', '=', accountId);
  if (afterId) query = query.where('id', '>', afterId);
  const rows = await query.orderBy('id', 'asc').limit(limit).execute();
  return rows.map(toCampaign);
}

/** A campaign of this account; another account's campaign is reported as not found. */
export async function getCampaign(db: Db, accountId: string, campaignId: string): Promise<Campaign> {
  const row = await db
    .selectFrom('campaigns')
    .selectAll()
    .where('id', '=', campaignId)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  if (!row)
    throw notFound(`No campaign ${campaignId} in this account. List campaigns with GET /v1/api/campaigns.`);
  return toCampaign(row);
}

/** The campaign a platform report names, whichever account owns it. */
export async function findCampaignRow(db: Db, campaignId: string): Promise<CampaignRow | undefined> {
  return db.selectFrom('campaigns').selectAll().where('id', '=', campaignId).executeTakeFirst();
}
