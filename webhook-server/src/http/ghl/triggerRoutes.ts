import { Router } from 'express';
import type { GhlTriggerSubscription } from '../../../../schemas/generated/types';
import type { Clock } from '../../domain/clock';
import type { Db } from '../../domain/db';
import type { GhlConfig } from '../../ghl/config';
import { applyTriggerSubscription } from '../../ghl/triggerSubscriptions';
import { parseBody } from '../validation';

/** POST /integrations/ghl/triggers: GHL's workflow trigger subscriptions (behind the shared secret). */
export function triggerRoutes(db: Db, clock: Clock, ghl: GhlConfig): Router {
  const router = Router();
  router.post('/integrations/ghl/triggers', async (req, res) => {
    const body = parseBody<GhlTriggerSubscription>('GhlTriggerSubscription.json', req.body);
    const { triggerData, extras } = body;
    const result = await applyTriggerSubscription(db, clock, ghl.apiBaseUrl, {
      id: triggerData.id,
      key: triggerData.key,
      eventType: triggerData.eventType,
      targetUrl: triggerData.targetUrl,
      filters: triggerData.filters,
      locationId: extras.locationId,
      workflowId: extras.workflowId,
    });
    res.json({ ok: true, eventType: triggerData.eventType, subscriptionId: result.subscriptionId });
  });
  return router;
}
