import { Router } from 'express';
import { findSession } from '../../domain/accountSessions';
import { badRequest } from '../../domain/errors';
import { EVENT_LOOKBACK_MS, EventFeed } from '../../domain/eventFeed';
import { OpenStreams } from '../eventStream/openStreams';
import { serveSse } from '../eventStream/sseResponse';
import type { AccountPageDeps } from './deps';
import { pageSessionOf, sessionTokenOf } from './session';

/**
 * The live tail: the account's event stream (the same feed and SSE writer as
 * /v1/api/events-gateway/stream), authorised by the page's session, which it checks at every
 * heartbeat without counting as activity, so an open tab does not keep a session alive.
 */
export function streamRoutes(deps: AccountPageDeps): Router {
  const { storage, clock, config, shutdown, logger } = deps;
  const { heartbeatMs, pollMs, maxPerAccount } = config.eventStream;
  const streams = new OpenStreams(maxPerAccount);
  const router = Router();

  router.get('/account/integrations/stream', async (req, res) => {
    const { accountId } = pageSessionOf(res);
    const token = sessionTokenOf(req) as string;
    const resume = req.get('last-event-id') || (typeof req.query.after === 'string' ? req.query.after : '');
    if (resume && !/^evt_[0-9A-Z]{26}$/.test(resume))
      throw badRequest('after must be the id of an event the page showed (evt_…).');
    const release = streams.take(accountId);
    try {
      await serveSse(req, res, {
        feed: new EventFeed(storage.db, {
          accountId,
          triggerNames: [],
          afterId: resume || undefined,
          lookbackMs: EVENT_LOOKBACK_MS,
        }),
        heartbeatMs,
        pollMs,
        stillAuthorized: async () => !!(await findSession(storage.db, clock, token, { touch: false })),
        shutdown,
        logger,
      });
    } finally {
      release();
    }
  });
  return router;
}
