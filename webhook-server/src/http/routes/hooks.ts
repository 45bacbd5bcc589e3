import type { Router } from 'express';
import type { SubscribeRequest, UnsubscribeRequest } from '../../../../schemas/generated/types';
import { badRequest } from '../../domain/errors';
import { isTriggerName, sampleEvents, TRIGGER_NAMES } from '../../domain/hooks/samples';
import { listSubscriptions, subscribe, unsubscribe } from '../../domain/hooks/subscriptions';
import { hookUrlProblem } from '../../delivery/hookTarget';
import { accountIdOf } from '../auth';
import type { AppContext } from '../context';
import { page, pageRequest, parseLimit } from '../pagination';
import { parseBody } from '../validation';

const DEFAULT_SAMPLE_COUNT = 3;
const MAX_SAMPLE_COUNT = 25;

/** Atlas's events gateway: REST-hook subscriptions (Zapier, Make, GHL) and trigger samples. */
export function hookRoutes({ storage, clock, config }: AppContext, router: Router): void {
  const { db } = storage;

  router.post('/events-gateway/trigger/subscribe', async (req, res) => {
    const request = parseBody<SubscribeRequest>('SubscribeRequest.json', req.body);
    const problem = await hookUrlProblem(request.hookUrl, config.delivery.allowPrivateHookUrls);
    if (problem) throw badRequest(`hookUrl ${problem}.`, [{ field: 'hookUrl', message: problem }]);
    const result = await subscribe(db, clock, accountIdOf(res), request);
    res.status(result.created ? 201 : 200).json(result.subscription);
  });

  router.delete('/events-gateway/trigger/unsubscribe', async (req, res) => {
    const request = parseBody<UnsubscribeRequest>('UnsubscribeRequest.json', req.body);
    const target = request.id
      ? { id: request.id }
      : {
          hookUrl: request.hookUrl ?? '',
          triggerName: request.triggerName ?? '',
          campaignId: request.campaignId,
        };
    await unsubscribe(db, clock, accountIdOf(res), target);
    res.json({});
  });

  router.get('/events-gateway/trigger/subscriptions', async (req, res) => {
    const { limit, afterId } = pageRequest(req);
    res.json(page(await listSubscriptions(db, accountIdOf(res), limit, afterId), limit));
  });

  router.get('/events-gateway/trigger/sample', async (req, res) => {
    const { triggerName, limit: rawLimit } = req.query;
    if (typeof triggerName !== 'string' || !isTriggerName(triggerName)) {
      throw badRequest(`triggerName must be one of: ${TRIGGER_NAMES.join(', ')}.`, [
        { field: 'triggerName', message: `must be one of: ${TRIGGER_NAMES.join(', ')}` },
      ]);
    }
    const limit = parseLimit(rawLimit, MAX_SAMPLE_COUNT, DEFAULT_SAMPLE_COUNT);
    res.json(await sampleEvents(db, accountIdOf(res), triggerName, limit));
  });
}
