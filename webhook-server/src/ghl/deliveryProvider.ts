import type { EventEnvelope } from '../../../schemas/generated/types';
import type { Config } from '../config';
import type { DeliveryProvider, DeliveryProviders } from '../delivery/providers';
import type { ClaimedDelivery } from '../delivery/queue';
import type { AttemptResult, HookSender } from '../delivery/sender';
import type { Clock } from '../domain/clock';
import type { Db } from '../domain/db';
import { TRIGGERS_VERSION } from './apiClient';
import { flatEvent } from './flatEvent';
import type { LocationTokenSource } from './apiClient';
import { GhlTokenStore } from './tokens';

const failed = (error: string): AttemptResult => ({ durationMs: 0, error });

/**
 * Fires an Atlas event into a GHL workflow: POST targetUrl with one flat object shaped like the
 * trigger's sample, `Authorization: Bearer <location token>` and `Version: 2021-04-15`. A 401 gets
 * the token refreshed and the event sent once more in the same attempt; any other failure is
 * retried on the delivery schedule like every provider's.
 */
export function ghlDeliveryProvider(db: Db, tokens: LocationTokenSource): DeliveryProvider {
  const post = (sender: HookSender, delivery: ClaimedDelivery, body: string, token: string) =>
    sender.post(delivery.hookUrl, body, ['authorization', `Bearer ${token}`, 'version', TRIGGERS_VERSION]);

  return {
    async attempt(delivery, sender) {
      const trigger = await db
        .selectFrom('ghl_trigger_subscriptions')
        .select('location_id')
        .where('subscription_id', '=', delivery.subscriptionId)
        .executeTakeFirst();
      if (!trigger) return failed('no GHL workflow trigger has this subscription (not made by the GHL app)');
      const locationId = trigger.location_id;
      const event = JSON.parse(delivery.payload) as EventEnvelope;
      const callId = (event.data as { callId?: unknown }).callId;
      const call =
        typeof callId === 'string'
          ? await db
              .selectFrom('ghl_calls')
              .select(['contact_id', 'location_id'])
              .where('call_id', '=', callId)
              .executeTakeFirst()
          : undefined;
      const contactId = call && call.location_id === locationId ? call.contact_id : null;
      const body = JSON.stringify(flatEvent(event, { locationId, contactId }));

      let token: string;
      try {
        token = await tokens.accessToken(locationId);
      } catch (err) {
        return failed(`no GHL token for location ${locationId}: ${(err as Error).message}`.slice(0, 300));
      }
      const first = await post(sender, delivery, body, token);
      if (first.statusCode !== 401) return first;
      try {
        token = await tokens.refreshAfterRejection(locationId, token);
      } catch (err) {
        return {
          ...first,
          error: `HTTP 401; refreshing the GHL token failed: ${(err as Error).message}`.slice(0, 300),
        };
      }
      const second = await post(sender, delivery, body, token);
      return { ...second, durationMs: first.durationMs + second.durationMs };
    },
  };
}

/** The delivery providers the GHL app adds: none when it is not configured. */
export function ghlDeliveryProviders(config: Config, db: Db, clock: Clock): DeliveryProviders {
  return config.ghl ? { ghl: ghlDeliveryProvider(db, new GhlTokenStore(db, clock, config.ghl)) } : {};
}
