import express, { Router, type Express } from 'express';
import { accountPageRoutes } from './account';
import { accessLog } from './accessLog';
import { apiRateLimit } from './apiRateLimit';
import { apiKeyAuthenticator, requireAccount } from './auth';
import { chainHandlers } from './chainHandlers';
import type { AppContext } from './context';
import { errorHandler, notFoundHandler } from './errors';
import { weakEtag } from './etag';
import { ghlRoutes } from './ghl';
import { useFastJson } from './jsonResponse';
import { accountRoutes } from './routes/account';
import { billingRoutes } from './routes/billing';
import { billingReturnRoutes } from './routes/billingReturn';
import { callRoutes } from './routes/calls';
import { campaignRoutes } from './routes/campaigns';
import { deliveryRoutes } from './routes/deliveries';
import { docsRoutes } from './routes/docs';
import { eventStreamRoutes } from './routes/eventStream';
import { healthRoutes } from './routes/health';
import { hookRoutes } from './routes/hooks';
import { internalRoutes } from './routes/internal';
import { adminSignInForms, oauthRoutes } from './oauth';
import { stripeWebhookRoutes } from './routes/stripeWebhook';
import { testEventRoutes } from './routes/testEvents';
import { testHelperRoutes } from './routes/testHelpers';
import { metricsRoutes } from './routes/metrics';
import { refuseMalformedText } from './requestHygiene';
import { securityHeaders } from './securityHeaders';
import { ApiKeyCache } from '../domain/apiKeyCache';

export const JSON_BODY_LIMIT = '256kb';

/** Builds the Express app; it never listens (server.ts does), so tests mount it on port 0. */
export function buildApp(ctx: AppContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', ctx.config.trustProxy);
  app.set('etag', weakEtag);
  useFastJson(app);
  app.use(accessLog(ctx.logger));
  app.use(securityHeaders());
  // The API first: its requests then pass none of the other modules' routers (each a list of
  // routes to try) on the way. No other module serves a path under /v1/api.
  app.use('/v1/api', apiRouter(ctx));
  // Platform reports next, for the same reason (every call sends them; no other module serves
  // /v1/internal), and before the JSON parser: their bodies (a call's transcript) are larger.
  app.use('/v1/internal', internalRoutes(ctx));
  app.use(healthRoutes(ctx));
  app.use(metricsRoutes(ctx));
  app.use(docsRoutes(ctx));
  // One sign-in limiter and form key for every admin sign-in form (OAuth authorize, GHL link).
  const signInForms = adminSignInForms(ctx);
  // Before the JSON parser: the OAuth routes parse their own bodies and answer errors RFC 6749's way.
  app.use(oauthRoutes(ctx, signInForms));
  app.use(billingReturnRoutes());
  // Before the JSON parser: the Account page reads forms and uploads, and answers with pages.
  app.use(accountPageRoutes(ctx, signInForms));
  // Before the JSON parser: Stripe signs the raw bytes.
  app.use(stripeWebhookRoutes(ctx));
  // Before the JSON parser: GHL signs its webhooks' raw bytes, and its pages post forms.
  app.use(ghlRoutes(ctx, signInForms));
  app.use(express.json({ limit: JSON_BODY_LIMIT }));
  app.use(refuseMalformedText);

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}

/**
 * /v1/api: every route behind an account credential and the per-credential rate limit. One mount
 * and one router: each module adds its routes to this router instead of a router of its own. A
 * mounted router is a second walk per request (a new `next` chain, the URL trimmed and restored,
 * re-parsed at each handler of the mount), and a module router that does not match hands the
 * request on only after a turn of the event loop (setImmediate). The modules' routes never share a
 * path, so the Allow header of an OPTIONS answer is the same as with a router each.
 */
function apiRouter(ctx: AppContext): Router {
  const api = Router();
  const keys = new ApiKeyCache(ctx.config.apiKeyCacheTtlMs, () => ctx.clock.now().getTime());
  // The gate every API request passes, in order, as one layer (see chainHandlers for why).
  api.use(
    chainHandlers([
      express.json({ limit: JSON_BODY_LIMIT }),
      refuseMalformedText,
      requireAccount([apiKeyAuthenticator(ctx.storage.db, keys), ...ctx.authenticators]),
      apiRateLimit(ctx.storage, ctx.config.apiRateLimit),
    ]),
  );
  accountRoutes(ctx, api);
  campaignRoutes(ctx, api);
  billingRoutes(ctx, api);
  callRoutes(ctx, api);
  hookRoutes(ctx, api);
  deliveryRoutes(ctx, api);
  testEventRoutes(ctx, api);
  eventStreamRoutes(ctx, api);
  if (ctx.config.env !== 'production') testHelperRoutes(ctx, api);
  return api;
}
