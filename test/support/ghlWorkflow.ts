import { GHL_SHARED_SECRET, type GhlStandIn } from './ghlStandIn';
import { api } from './server';

let triggerCounter = 0;

/** A trigger subscription as GHL posts it when a workflow is published, changed or deleted. */
export function triggerSubscription(
  standIn: GhlStandIn,
  locationId: string,
  key: string,
  overrides: { id?: string; eventType?: string; filters?: unknown[]; targetUrl?: string } = {},
) {
  triggerCounter += 1;
  const id = overrides.id ?? `trg_${triggerCounter}`;
  return {
    triggerData: {
      id,
      key,
      filters: overrides.filters ?? [],
      eventType: overrides.eventType ?? 'CREATED',
      targetUrl:
        overrides.targetUrl ?? `${standIn.url}/workflows-marketplace/triggers/execute/app_atlas/${id}`,
    },
    meta: { key, version: '1.0' },
    extras: { locationId, workflowId: `wf_${triggerCounter}`, companyId: 'cmp_standin' },
  };
}

/** POSTs to a GHL workflow endpoint with the marketplace's shared secret header. */
export function postFromGhl(
  server: { url: string },
  path: string,
  body: unknown,
  secret = GHL_SHARED_SECRET,
) {
  return api(server, 'POST', path, { body, headers: secret ? { 'x-atlas-secret': secret } : {} });
}

/** GHL's UNINSTALL webhook for a location, signed as GHL signs it; answers the server's response. */
export function sendUninstall(
  server: { url: string; clock: { now(): Date } },
  standIn: GhlStandIn,
  locationId: string,
  webhookId: string,
  signature: 'ed25519' | 'rsa' | 'both' = 'ed25519',
) {
  const body = JSON.stringify({
    type: 'UNINSTALL',
    locationId,
    timestamp: server.clock.now().toISOString(),
    webhookId,
  });
  return api(server, 'POST', '/integrations/ghl/webhooks', {
    rawBody: body,
    headers: standIn.signWebhook(body, signature),
  });
}
