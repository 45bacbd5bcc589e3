import type { Campaign } from '../../../schemas/generated/types';
import type { CampaignRow } from '../db/schema';
import type { Clock } from './clock';
import { compiledOnce } from './compiledOnce';
import type { Db } from './db';
import { AppError, notFound } from './errors';
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

function findCampaignOfAccount(
  db: Db,
  accountId: string,
  campaignId: string,
): Promise<CampaignRow | undefined> {
  return db
    .selectFrom('campaigns')
    .selectAll()
    .where('id', '=', campaignId)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
}

const LIST_HINT = 'List campaigns with GET /v1/api/campaigns.';

/** A campaign of this account; another account's campaign is reported as not found. */
export async function getCampaign(db: Db, accountId: string, campaignId: string): Promise<Campaign> {
  const row = await findCampaignOfAccount(db, accountId, campaignId);
  if (!row) throw notFound(`No campaign ${campaignId} in this account. ${LIST_HINT}`);
  return toCampaign(row);
}

/**
 * The campaign a request body names, which must be this account's: otherwise a 422 on campaignId
 * (another account's campaign reads as unknown, never as someone else's).
 */
export async function requireCampaignOfAccount(
  db: Db,
  accountId: string,
  campaignId: string,
  hint = LIST_HINT,
): Promise<CampaignRow> {
  const row = await findCampaignOfAccount(db, accountId, campaignId);
  if (!row) {
    throw new AppError(422, `No campaign ${campaignId} in this account. ${hint}`, [
      { field: 'campaignId', message: 'is not a campaign of this account' },
    ]);
  }
  return row;
}

/** The campaign a platform report names, whichever account owns it. */
// Every platform report reads its campaign: compiled once.
const campaignById = compiledOnce((db, campaignId: string) =>
  db.selectFrom('campaigns').selectAll().where('id', '=', campaignId),
);

export async function findCampaignRow(db: Db, campaignId: string): Promise<CampaignRow | undefined> {
  return (await campaignById(db, campaignId)).rows[0];
}
