import { Router } from 'express';
import type { AppContext } from '../context';
import { errorBody } from '../errors';

export const GHL_NOT_CONFIGURED =
  'The GoHighLevel app is not configured on this server. Set GHL_CLIENT_ID, GHL_CLIENT_SECRET, GHL_SHARED_SECRET and GHL_TOKEN_ENCRYPTION_KEY (see docs/ghl.md).';

/** /integrations/ghl/*: the marketplace app's endpoints, or a clear 404 when it is not configured. */
export function ghlRoutes(ctx: AppContext): Router {
  const router = Router();
  if (!ctx.config.ghl) {
    router.use('/integrations/ghl', (_req, res) => {
      res.status(404).json(errorBody(404, GHL_NOT_CONFIGURED));
    });
    return router;
  }
  return router;
}
