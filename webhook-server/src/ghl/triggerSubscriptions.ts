import type { TriggerName } from '../../../schemas/generated/types';
import type { Clock } from '../domain/clock';
import { inTransaction, type Db } from '../domain/db';
import { AppError, notFound, type FieldProblem } from '../domain/errors';
import { removeSubscription, subscribe } from '../domain/hooks/subscriptions';
import { requireLinkedAccount } from './locations';
import { filtersOf, triggerNameOfKey } from './triggerCatalog';

/** GHL posts fired triggers here: its API origin, under this path. */
export const TRIGGER_EXECUTE_PATH = '/workflows-marketplace/triggers/execute/';

export interface GhlFilter {
  field: string;
  operator?: string;
  value?: unknown;
}

export interface TriggerSubscriptionRequest {
  id: string;
  key: string;
  eventType: 'CREATED' | 'UPDATED' | 'DELETED';
  targetUrl?: string;
  filters?: GhlFilter[];
  locationId: string;
  workflowId?: string;
}

const unprocessable = (message: string, details: FieldProblem[]) => new AppError(422, message, details);

/** targetUrl must be GHL's own trigger-execute URL: the location's token is sent there. */
export function targetUrlProblem(targetUrl: string | undefined, apiBaseUrl: string): string | undefined {
  if (!targetUrl) return 'is required for CREATED and UPDATED';
  let url: URL;
  try {
    url = new URL(targetUrl);
  } catch {
    return 'must be an absolute URL';
  }
  const base = new URL(apiBaseUrl);
  if (url.origin !== base.origin || url.username || url.password)
    return `must be on GHL's API origin ${base.origin}`;
  if (!url.pathname.startsWith(TRIGGER_EXECUTE_PATH) || url.pathname.length === TRIGGER_EXECUTE_PATH.length)
    return `must be under ${TRIGGER_EXECUTE_PATH}`;
  return undefined;
}

/**
 * GHL's filters as the Atlas subscription's: Campaign (== a campaign id, or empty / "*" for every
 * campaign) and, on minutes_low, the threshold in minutes. A filter Atlas cannot apply is refused
 * with a message naming it, so a workflow never silently fires more often than its author meant.
 * Filters with an empty value are ignored (GHL sends CREATED with none, and optional ones empty).
 */
export function atlasFilters(
  triggerName: TriggerName,
  filters: GhlFilter[],
): { campaignId: string; thresholdMinutes?: number } {
  const offered = new Set(filtersOf(triggerName).map((filter) => filter.field));
  const result: { campaignId: string; thresholdMinutes?: number } = { campaignId: '*' };
  filters.forEach((filter, index) => {
    const field = `triggerData.filters.${index}`;
    const value = Array.isArray(filter.value) ? filter.value[0] : filter.value;
    if (value === undefined || value === null || value === '') return;
    if (!offered.has(filter.field as 'campaignId'))
      throw unprocessable(
        `The ${triggerName} trigger cannot filter on "${filter.field}"; remove that filter.`,
        [{ field, message: `Atlas filters ${triggerName} only on ${[...offered].join(', ') || 'nothing'}` }],
      );
    if (filter.operator !== undefined && !['==', '=', 'eq'].includes(filter.operator))
      throw unprocessable(`The "${filter.field}" filter only supports "==".`, [
        { field: `${field}.operator`, message: 'must be ==' },
      ]);
    if (filter.field === 'campaignId') {
      result.campaignId = String(value);
      return;
    }
    const minutes = Number(value);
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 10_000_000)
      throw unprocessable('The minutes threshold must be a whole number of minutes from 1 to 10000000.', [
        { field: `${field}.value`, message: 'must be a whole number from 1 to 10000000' },
      ]);
    result.thresholdMinutes = minutes;
  });
  return result;
}

/**
 * A GHL workflow trigger subscription becomes, changes or removes an Atlas subscription with
 * provider "ghl". The location must be installed and linked; the subscription belongs to its account.
 * UPDATED replaces the subscription (its campaign may have changed); DELETED of an unknown id is done.
 */
export async function applyTriggerSubscription(
  db: Db,
  clock: Clock,
  apiBaseUrl: string,
  request: TriggerSubscriptionRequest,
): Promise<{ subscriptionId: string | null }> {
  const triggerName = triggerNameOfKey(request.key);
  if (!triggerName)
    throw unprocessable(
      `No Atlas trigger has the key "${request.key}". Use a key of the Atlas app's triggers.`,
      [{ field: 'triggerData.key', message: 'is not an Atlas trigger key' }],
    );
  // A DELETED may come after the location uninstalled (its subscriptions are gone already): done.
  const accountId =
    request.eventType === 'DELETED' ? undefined : await requireLinkedAccount(db, request.locationId);
  return inTransaction(db, async (trx) => {
    const existing = await trx
      .selectFrom('ghl_trigger_subscriptions')
      .selectAll()
      .where('id', '=', request.id)
      .executeTakeFirst();
    if (existing && existing.location_id !== request.locationId)
      throw notFound(`No trigger ${request.id} in GHL location ${request.locationId}.`);
    if (existing) {
      await removeSubscription(trx, clock, existing.subscription_id);
      await trx.deleteFrom('ghl_trigger_subscriptions').where('id', '=', request.id).execute();
    }
    if (request.eventType === 'DELETED' || !accountId) return { subscriptionId: null };

    const problem = targetUrlProblem(request.targetUrl, apiBaseUrl);
    if (problem)
      throw unprocessable(`triggerData.targetUrl ${problem}.`, [
        { field: 'triggerData.targetUrl', message: problem },
      ]);
    const filters = atlasFilters(triggerName, request.filters ?? []);
    const { subscription } = await subscribe(trx, clock, accountId, {
      hookUrl: request.targetUrl!,
      triggerName,
      campaignId: filters.campaignId,
      provider: 'ghl',
      ...(filters.thresholdMinutes === undefined ? {} : { thresholdMinutes: filters.thresholdMinutes }),
    });
    const now = clock.now().toISOString();
    await trx
      .insertInto('ghl_trigger_subscriptions')
      .values({
        id: request.id,
        subscription_id: subscription.id,
        location_id: request.locationId,
        workflow_id: request.workflowId ?? null,
        trigger_key: request.key,
        target_url: request.targetUrl!,
        filters: JSON.stringify(request.filters ?? []),
        created_at: existing?.created_at ?? now,
        updated_at: now,
      })
      .execute();
    return { subscriptionId: subscription.id };
  });
}
