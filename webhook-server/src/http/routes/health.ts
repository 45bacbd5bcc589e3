import { Router } from 'express';
import { sql } from 'kysely';
import type { AppContext } from '../context';
import { errorBody } from '../errors';

export function healthRoutes({ storage, logger }: AppContext): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    try {
      await sql`SELECT 1`.execute(storage.db);
      res.json({ status: 'ready', database: storage.engine });
    } catch (err) {
      logger.warn({ err }, 'readiness check failed');
      res.status(503).json(errorBody(503, 'The database is not reachable.'));
    }
  });
  return router;
}
