import { Router, type Request, type Response } from 'express';
import type { TriggerName } from '../../../../schemas/generated/types';
import type { DeliveryStatus } from '../../db/schema';
import { activeApiKey, issueApiKey } from '../../domain/apiKeys';
import { badRequest } from '../../domain/errors';
import { DELIVERY_STATUSES, listDeliveries, replayDelivery } from '../../domain/hooks/deliveries';
import { deliveryStats } from '../../domain/hooks/deliveryStats';
import { eventsAfter } from '../../domain/hooks/eventTail';
import { hookHealth } from '../../domain/hooks/hookHealth';
import { isTriggerName } from '../../domain/hooks/samples';
import { listSubscriptions, unsubscribe } from '../../domain/hooks/subscriptions';
import { sendTestEvent } from '../../domain/hooks/testEvents';
import { disconnectApp, listConnectedApps } from '../../domain/oauth/connectedApps';
import { disconnectLocation, listLinkedLocations } from '../../ghl/accountLocations';
import type { AccountPageDeps } from './deps';
import { integrationsBody, type DeliveryLogFilter, type IntegrationsView } from './integrationsPage';
import { sendPage } from './layout';
import { pageSessionOf, requireCsrf } from './session';

const LOG_PAGE_SIZE = 25;
const HOOKS_SHOWN = 100;
const TAIL_LIMIT = 20;
const ID_PATTERN = /^[a-z]{2,4}_[0-9A-Za-z]{10,40}$/;

const NOTICES: Record<string, string> = {
  disconnected: 'The app is disconnected: its tokens no longer work.',
  'ghl-disconnected':
    'The GHL location is disconnected: its tokens are deleted and its workflows no longer receive Atlas events. Install the Atlas app from GHL again to link it.',
  deleted: 'The hook is deleted; its pending deliveries are cancelled.',
  replayed: 'The delivery is queued again.',
  tested: 'A test event is on its way to the hook: it shows in the delivery log.',
};

function query(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw badRequest(`Choose one ${name} to filter by.`);
  return value;
}

/** The delivery log's filters from the query string; a value the log cannot have is refused. */
function logFilter(req: Request): DeliveryLogFilter {
  const status = query(req, 'status');
  const triggerName = query(req, 'trigger');
  const subscriptionId = query(req, 'subscription');
  if (status && !(DELIVERY_STATUSES as readonly string[]).includes(status))
    throw badRequest(`Status must be one of: ${DELIVERY_STATUSES.join(', ')}.`);
  if (triggerName && !isTriggerName(triggerName)) throw badRequest('Choose a trigger from the list.');
  if (subscriptionId && !ID_PATTERN.test(subscriptionId)) throw badRequest('Choose a hook from the list.');
  return {
    status: status as DeliveryStatus | undefined,
    triggerName: triggerName as TriggerName | undefined,
    subscriptionId,
  };
}

/** Integrations: connected apps, the API key, hooks with health, the delivery log, charts, live tail. */
export function integrationsRoutes(deps: AccountPageDeps): Router {
  const { storage, clock, billing } = deps;
  const { db } = storage;
  const router = Router();

  const show = async (req: Request, res: Response, status: number, extra: Partial<IntegrationsView> = {}) => {
    const { account, accountId, csrfToken } = pageSessionOf(res);
    const filter = logFilter(req);
    const before = query(req, 'before');
    if (before && !ID_PATTERN.test(before)) throw badRequest('That page of the delivery log does not exist.');
    const deliveries = await listDeliveries(db, accountId, filter, LOG_PAGE_SIZE, before);
    const hooksAfter = query(req, 'hooks_after');
    if (hooksAfter && !ID_PATTERN.test(hooksAfter)) throw badRequest('That page of hooks does not exist.');
    const hooks = await listSubscriptions(db, accountId, HOOKS_SHOWN, hooksAfter);
    const view: IntegrationsView = {
      csrfToken,
      apps: await listConnectedApps(db, accountId),
      ghlLocations: await listLinkedLocations(db, accountId),
      apiKey: await activeApiKey(db, accountId),
      hooks,
      hooksPage: {
        after: hooksAfter,
        next: hooks.length === HOOKS_SHOWN ? hooks[hooks.length - 1]?.id : undefined,
      },
      health: await hookHealth(db, clock, accountId),
      deliveries,
      olderCursor: deliveries.length === LOG_PAGE_SIZE ? deliveries[deliveries.length - 1]?.id : undefined,
      filter,
      stats: await deliveryStats(db, clock, accountId),
      ...extra,
    };
    sendPage(res, status, {
      title: 'Integrations',
      signedIn: {
        companyName: account.company_name,
        csrfToken,
        tab: 'integrations',
        sandbox: billing.adapter === 'sandbox',
      },
      scripts: ['chart.umd.min.js', 'account.js'],
      body: integrationsBody(view),
    });
  };

  const done = (res: Response, what: keyof typeof NOTICES) =>
    res.redirect(303, `/account/integrations?done=${what}`);

  router.get('/account/integrations', async (req, res) => {
    const notice = typeof req.query.done === 'string' ? NOTICES[req.query.done] : undefined;
    await show(req, res, 200, { notice });
  });

  router.get('/account/integrations/stats.json', async (_req, res) => {
    res.set('Cache-Control', 'no-store').json(await deliveryStats(db, clock, pageSessionOf(res).accountId));
  });

  router.get('/account/integrations/tail.json', async (req, res) => {
    const after = query(req, 'after');
    if (after && !ID_PATTERN.test(after)) throw badRequest('after must be an event id (evt_…).');
    const data = await eventsAfter(db, pageSessionOf(res).accountId, after, TAIL_LIMIT);
    res.set('Cache-Control', 'no-store').json({ data, nextCursor: null });
  });

  router.post('/account/integrations/apps/:clientId/disconnect', requireCsrf, async (req, res) => {
    await disconnectApp(db, clock, pageSessionOf(res).accountId, req.params.clientId as string);
    done(res, 'disconnected');
  });

  router.post('/account/integrations/ghl-locations/:locationId/disconnect', requireCsrf, async (req, res) => {
    await disconnectLocation(db, clock, pageSessionOf(res).accountId, req.params.locationId as string);
    done(res, 'ghl-disconnected');
  });

  router.post('/account/integrations/api-key', requireCsrf, async (req, res) => {
    const issued = await issueApiKey(db, clock, pageSessionOf(res).accountId);
    // Answered directly, never redirected: the key exists in this one response and nowhere else.
    await show(req, res, 201, {
      newApiKey: issued.apiKey,
      apiKey: { prefix: issued.prefix, createdAt: issued.createdAt },
    });
  });

  router.post('/account/integrations/hooks/:id/delete', requireCsrf, async (req, res) => {
    await unsubscribe(db, clock, pageSessionOf(res).accountId, { id: req.params.id as string });
    done(res, 'deleted');
  });

  router.post('/account/integrations/hooks/:id/test', requireCsrf, async (req, res) => {
    await sendTestEvent(db, clock, pageSessionOf(res).accountId, req.params.id as string);
    done(res, 'tested');
  });

  router.post('/account/integrations/deliveries/:id/replay', requireCsrf, async (req, res) => {
    await replayDelivery(db, clock, pageSessionOf(res).accountId, req.params.id as string);
    done(res, 'replayed');
  });

  return router;
}
