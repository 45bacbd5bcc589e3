import express, { Router } from 'express';
import { GhlTokenStore } from '../../ghl/tokens';
import type { AppContext } from '../context';
import { JSON_BODY_LIMIT } from '../app';
import { errorBody } from '../errors';
import type { AdminSignInForms } from '../oauth';
import { actionRoutes } from './actionRoutes';
import { installRoutes } from './installRoutes';
import { optionsRoutes } from './optionsRoutes';
import { requireSharedSecret } from './sharedSecret';
import { triggerRoutes } from './triggerRoutes';
import { webhookRoutes } from './webhookRoutes';

export const GHL_NOT_CONFIGURED =
  'The GoHighLevel app is not configured on this server. Set GHL_CLIENT_ID, GHL_CLIENT_SECRET, GHL_SHARED_SECRET and GHL_TOKEN_ENCRYPTION_KEY (see docs/ghl.md).';

const WORKFLOW_CALL_PATHS = [
  '/integrations/ghl/triggers',
  '/integrations/ghl/actions',
  '/integrations/ghl/options',
];

/** /integrations/ghl/*: the marketplace app's endpoints, or a clear 404 when it is not configured. */
export function ghlRoutes(
  { config, storage, clock, calling, billing }: AppContext,
  forms: AdminSignInForms,
): Router {
  const router = Router();
  const ghl = config.ghl;
  if (!ghl) {
    router.use('/integrations/ghl', (_req, res) => {
      res.status(404).json(errorBody(404, GHL_NOT_CONFIGURED));
    });
    return router;
  }
  const { db } = storage;
  const tokens = new GhlTokenStore(db, clock, ghl);
  router.use(
    installRoutes({
      db,
      clock,
      ghl,
      publicBaseUrl: config.publicBaseUrl,
      tokens,
      formTokens: forms.formTokens,
      limiter: forms.limiter,
    }),
  );
  router.use(webhookRoutes(db, clock, ghl));
  // GHL's workflow calls: JSON behind the shared secret, checked before the body is read.
  router.use(
    WORKFLOW_CALL_PATHS,
    requireSharedSecret(ghl.sharedSecret),
    express.json({ limit: JSON_BODY_LIMIT }),
  );
  router.use(triggerRoutes(db, clock, ghl));
  router.use(actionRoutes({ db, clock, ghl, tokens, calling, billing }));
  router.use(optionsRoutes(db));
  return router;
}
