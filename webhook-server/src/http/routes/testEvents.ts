import type { Router } from 'express';
import { sendTestEvent } from '../../domain/hooks/testEvents';
import { accountIdOf } from '../auth';
import type { AppContext } from '../context';

/** "Send test event" for one subscription: its trigger's sample through the normal signed delivery. */
export function testEventRoutes({ storage, clock }: AppContext, router: Router): void {
  router.post('/events-gateway/trigger/subscriptions/:id/test', async (req, res) => {
    res.status(202).json(await sendTestEvent(storage.db, clock, accountIdOf(res), req.params.id));
  });
}
