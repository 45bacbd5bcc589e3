import { randomBytes } from 'node:crypto';
import { Router } from 'express';
import type { AppContext } from '../context';
import { authorizeRoutes } from './authorizeRoutes';
import { discoveryRoutes } from './discovery';
import { userInfoRoutes } from './bearer';
import { FormTokens } from './formToken';
import { createOAuthServer } from './authorizationServer';
import { oauthErrorHandler } from './oauthErrors';
import { SignInLimiter } from './signInLimiter';
import { tokenRoutes } from './tokenRoutes';

/** What every Atlas admin sign-in form shares (OAuth authorize, the GHL link page). */
export interface AdminSignInForms {
  formTokens: FormTokens;
  /** One budget of attempts per account and address, whichever form they come through. */
  limiter: SignInLimiter;
}

export function adminSignInForms({ config, clock }: Pick<AppContext, 'config' | 'clock'>): AdminSignInForms {
  // Without a configured secret (development, tests) forms are signed with a key of this process.
  const key = config.oauthFormSecret ? Buffer.from(config.oauthFormSecret, 'utf8') : randomBytes(32);
  return { formTokens: new FormTokens(key, clock), limiter: new SignInLimiter() };
}

/** The OAuth2 authorization server: /oauth/authorize, /oauth/token, /oauth/revoke, /oauth/userinfo. */
export function oauthRoutes(
  { config, storage, clock }: AppContext,
  forms: AdminSignInForms = adminSignInForms({ config, clock }),
): Router {
  const { db } = storage;
  const server = createOAuthServer(db, clock);
  const router = Router();
  router.use(discoveryRoutes(config.publicBaseUrl));
  router.use(
    authorizeRoutes({
      server,
      db,
      formTokens: forms.formTokens,
      limiter: forms.limiter,
      secureCookies: config.publicBaseUrl.startsWith('https://'),
      issuer: config.publicBaseUrl,
    }),
  );
  router.use(tokenRoutes(server, db, clock));
  router.use(userInfoRoutes(db, clock));
  // Last: whatever these JSON endpoints did not answer themselves is answered in RFC 6749's shape.
  router.use(['/oauth/token', '/oauth/revoke', '/oauth/userinfo'], oauthErrorHandler);
  return router;
}
