import type { Router } from 'express';
import type { DeliveryStatus } from '../../db/schema';
import { badRequest } from '../../domain/errors';
import { DELIVERY_STATUSES, listDeliveries, replayDelivery } from '../../domain/hooks/deliveries';
import { deliveryStats } from '../../domain/hooks/deliveryStats';
import { accountIdOf } from '../auth';
import type { AppContext } from '../context';
import { page, pageRequest } from '../pagination';

function statusFilter(value: unknown): DeliveryStatus | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'string' && (DELIVERY_STATUSES as readonly string[]).includes(value))
    return value as DeliveryStatus;
  throw badRequest(`status must be one of: ${DELIVERY_STATUSES.join(', ')}.`, [
    { field: 'status', message: `must be one of: ${DELIVERY_STATUSES.join(', ')}` },
  ]);
}

/** What happened to this account's deliveries, and replaying the dead ones. */
export function deliveryRoutes({ storage, clock }: AppContext, router: Router): void {
  const { db } = storage;

  router.get('/events-gateway/deliveries', async (req, res) => {
    const { limit, afterId } = pageRequest(req);
    const { subscriptionId } = req.query;
    if (subscriptionId !== undefined && typeof subscriptionId !== 'string')
      throw badRequest('subscriptionId must be a single subscription id.');
    const filter = { subscriptionId: subscriptionId || undefined, status: statusFilter(req.query.status) };
    res.json(page(await listDeliveries(db, accountIdOf(res), filter, limit, afterId), limit));
  });

  router.get('/events-gateway/deliveries/stats', async (_req, res) => {
    res.json(await deliveryStats(db, clock, accountIdOf(res)));
  });

  router.post('/events-gateway/deliveries/:id/replay', async (req, res) => {
    res.json(await replayDelivery(db, clock, accountIdOf(res), req.params.id));
  });
}
