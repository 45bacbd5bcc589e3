import type { PlatformCallCancel, PlatformCallDispatch } from '../../../schemas/generated/types';
import type { CallRow } from '../db/schema';
import { PLATFORM_CANCEL, PLATFORM_DISPATCH } from '../domain/callDispatch';
import type { CallingPlatform } from '../domain/callingPlatform';
import type { Clock } from '../domain/clock';
import type { Db } from '../domain/db';
import { announceDeliveries } from '../domain/hooks/newWork';
import { newId } from '../domain/ids';

/** Deliveries to the platform carry this instead of a subscription id. */
export const PLATFORM_SUBSCRIPTION_ID = 'platform';

/**
 * The production adapter: each queued call becomes a signed request to the calling platform,
 * written in the queuing transaction as an outbox row with one delivery, which the delivery
 * engine sends (retries, dead-lettering, replay, the deliveries CLI). The platform reports back
 * through /v1/internal/call-events; the delivery's outcome moves the call (delivery/platformOutcome.ts).
 */
export class PlatformDispatch implements CallingPlatform {
  constructor(
    private readonly clock: Clock,
    /** ATLAS_PLATFORM_URL as it was when queued: the per-URL concurrency bound groups by it. */
    private readonly url: string,
    private readonly publicBaseUrl: string,
  ) {}

  async callQueued(db: Db, call: CallRow, remainingSeconds: number): Promise<void> {
    const campaign = await db
      .selectFrom('campaigns')
      .select(['id', 'name'])
      .where('id', '=', call.campaign_id)
      .executeTakeFirstOrThrow();
    const requestId = newId('evt');
    const request: PlatformCallDispatch = {
      type: 'call.dispatch',
      requestId,
      idempotencyKey: call.idempotency_key ?? call.id,
      accountId: call.account_id,
      call: {
        id: call.id,
        phoneNumber: call.phone_number,
        customerName: call.customer_name,
        parameters: JSON.parse(call.parameters) as Record<string, string>,
        createdAt: call.created_at,
      },
      campaign: { id: campaign.id, name: campaign.name },
      maxDurationSeconds: remainingSeconds,
      reportUrl: `${this.publicBaseUrl}/v1/internal/call-events`,
      createdAt: this.clock.now().toISOString(),
    };
    await this.queue(db, call, PLATFORM_DISPATCH, requestId, request);
  }

  /**
   * A dispatch not yet attempted is withdrawn: the platform never hears of the call. Otherwise
   * (sent, being sent, or retried after an error the platform may have acted on) the platform is
   * asked to cancel it.
   */
  async callCanceled(db: Db, call: CallRow): Promise<void> {
    const now = this.clock.now().toISOString();
    const withdrawn = await db
      .updateTable('deliveries')
      .set({ status: 'cancelled', next_attempt_at: null, updated_at: now })
      .where('call_id', '=', call.id)
      .where('status', '=', 'pending')
      .where('attempt_count', '=', 0)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
      .executeTakeFirst();
    if (Number(withdrawn.numUpdatedRows) > 0) return;
    const requestId = newId('evt');
    const request: PlatformCallCancel = {
      type: 'call.cancel',
      requestId,
      idempotencyKey: `cancel:${call.id}`,
      accountId: call.account_id,
      callId: call.id,
      canceledAt: now,
    };
    await this.queue(db, call, PLATFORM_CANCEL, requestId, request);
  }

  private async queue(db: Db, call: CallRow, kind: string, requestId: string, request: object) {
    const now = this.clock.now().toISOString();
    await db
      .insertInto('events')
      .values({
        id: requestId,
        account_id: call.account_id,
        campaign_id: call.campaign_id,
        trigger_name: kind,
        payload: JSON.stringify(request),
        created_at: now,
      })
      .execute();
    await db
      .insertInto('deliveries')
      .values({
        id: newId('dlv'),
        account_id: call.account_id,
        subscription_id: PLATFORM_SUBSCRIPTION_ID,
        event_id: requestId,
        hook_url: this.url,
        status: 'pending',
        attempt_count: 0,
        next_attempt_at: now,
        locked_until: null,
        locked_by: null,
        last_status_code: null,
        last_error: null,
        created_at: now,
        updated_at: now,
        delivered_at: null,
        call_id: call.id,
      })
      .execute();
    announceDeliveries(db);
  }
}
