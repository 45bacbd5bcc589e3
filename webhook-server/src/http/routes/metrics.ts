import { Router } from 'express';
import type { AppContext } from '../context';

/** Prometheus scrape endpoint; unauthenticated like /healthz, so keep it off the public edge. */
export function metricsRoutes({ metrics }: AppContext): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.metrics());
  });
  return router;
}
