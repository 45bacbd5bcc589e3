import type { Router } from 'express';
import type { TriggerName } from '../../../../schemas/generated/types';
import { EVENT_LOOKBACK_MS, EventFeed } from '../../domain/eventFeed';
import { badRequest } from '../../domain/errors';
import { isTriggerName, TRIGGER_NAMES } from '../../domain/hooks/samples';
import { accountIdOf, credentialStillValid } from '../auth';
import type { AppContext } from '../context';
import { OpenStreams } from '../eventStream/openStreams';
import { serveSse } from '../eventStream/sseResponse';

/** `triggerName=a&triggerName=b` or `triggerName=a,b`; none means every trigger. */
function triggerNamesOf(raw: unknown): TriggerName[] {
  if (raw === undefined) return [];
  const values = (Array.isArray(raw) ? raw : [raw]).flatMap((v) =>
    typeof v === 'string' ? v.split(',') : [v],
  );
  const unknown = values.filter((v) => typeof v !== 'string' || !isTriggerName(v));
  if (unknown.length > 0) {
    const message = `must be one of: ${TRIGGER_NAMES.join(', ')}`;
    throw badRequest(`triggerName ${message} (got ${JSON.stringify(unknown[0])}).`, [
      { field: 'triggerName', message },
    ]);
  }
  return [...new Set(values as TriggerName[])];
}

function lastEventIdOf(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^evt_[0-9A-Z]{26}$/.test(raw)) {
    throw badRequest('Last-Event-ID must be the id of an event this stream sent (evt_…).', [
      { field: 'Last-Event-ID', message: 'is not an event id' },
    ]);
  }
  return raw;
}

/** GET /v1/api/events-gateway/stream: the account's events as Server-Sent Events (behind `atlas-connect listen`). */
export function eventStreamRoutes({ storage, config, shutdown, logger }: AppContext, router: Router): void {
  const { heartbeatMs, pollMs, maxPerAccount } = config.eventStream;
  const streams = new OpenStreams(maxPerAccount);

  router.get('/events-gateway/stream', async (req, res) => {
    const accountId = accountIdOf(res);
    const triggerNames = triggerNamesOf(req.query.triggerName);
    const afterId = lastEventIdOf(req.get('last-event-id'));
    const release = streams.take(accountId);
    try {
      await serveSse(req, res, {
        feed: new EventFeed(storage.db, { accountId, triggerNames, afterId, lookbackMs: EVENT_LOOKBACK_MS }),
        heartbeatMs,
        pollMs,
        stillAuthorized: () => credentialStillValid(res),
        shutdown,
        logger,
      });
    } finally {
      release();
    }
  });
}
