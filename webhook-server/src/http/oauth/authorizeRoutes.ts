import OAuth2Server, {
  OAuthError,
  Request as OAuthRequest,
  Response as OAuthResponse,
  ServerError,
} from '@node-oauth/oauth2-server';
import express, { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import type { Db } from '../../domain/db';
import {
  authorizationParams,
  checkAuthorizationRequest,
  redirectWithParams,
  type AuthorizationRequest,
  type AuthorizationRequestCheck,
} from './authorizationRequest';
import { attemptAdminSignIn } from './adminSignInAttempt';
import { browserNonceOf, ensureBrowserNonce } from './browserNonce';
import type { FormTokens } from './formToken';
import { isBodyParserError } from './oauthErrors';
import { sendErrorPage, sendSignInPage } from './page';
import type { SignInLimiter } from './signInLimiter';
import type { OAuthUser } from './model';

const BROWSER_COOKIE = 'atlas_oauth_form';
const STALE_FORM =
  'This sign-in form has expired or did not come from this page. Start connecting again from the app.';

export interface AuthorizeDeps {
  server: OAuth2Server;
  db: Db;
  formTokens: FormTokens;
  limiter: SignInLimiter;
  secureCookies: boolean;
  /** The issuer identifier, sent as `iss` with every answer to the client (RFC 9207). */
  issuer: string;
}

/** GET shows the sign-in and consent page; POST signs the admin in and answers the client. */
export function authorizeRoutes({
  server,
  db,
  formTokens,
  limiter,
  secureCookies,
  issuer,
}: AuthorizeDeps): Router {
  const router = Router();

  const cookie = { name: BROWSER_COOKIE, path: '/oauth/authorize', secure: secureCookies };
  const browserNonce = (req: Request) => browserNonceOf(req, cookie);

  /** Every redirect back to the client carries `iss`, so a client talking to several servers can tell which one answered (mix-up attacks). */
  const redirectToClient = (res: Response, location: string) => {
    const url = new URL(location);
    url.searchParams.set('iss', issuer);
    res.redirect(302, url.toString());
  };

  /** Answers a rejected request: an error page when the client cannot be trusted, else a redirect. */
  const rejected = (res: Response, check: Exclude<AuthorizationRequestCheck, { ok: true }>) =>
    'fatal' in check ? sendErrorPage(res, 400, check.fatal) : redirectToClient(res, check.redirect);

  const showForm = (
    res: Response,
    status: number,
    request: AuthorizationRequest,
    nonce: string,
    extra: { email?: string; alert?: string } = {},
  ) => {
    const params = authorizationParams(request);
    sendSignInPage(res, status, {
      appName: request.client.name,
      scope: request.scope,
      redirectUri: request.redirectUri,
      hiddenFields: { ...params, csrf: formTokens.issue(nonce, params) },
      ...extra,
    });
  };

  router.get('/oauth/authorize', async (req, res) => {
    const check = await checkAuthorizationRequest(db, req.query);
    if (!check.ok) return rejected(res, check);
    showForm(res, 200, check.request, ensureBrowserNonce(req, res, cookie));
  });

  router.post(
    '/oauth/authorize',
    express.urlencoded({ extended: false, limit: '16kb' }),
    async (req, res) => {
      const form: Record<string, unknown> = req.body ?? {};
      const check = await checkAuthorizationRequest(db, form);
      if (!check.ok) return rejected(res, check);
      const { request } = check;
      const nonce = browserNonce(req);
      const csrf = typeof form.csrf === 'string' ? form.csrf : '';
      if (!nonce || !formTokens.verify(csrf, nonce, authorizationParams(request)))
        return sendErrorPage(res, 403, STALE_FORM);

      if (form.decision === 'deny')
        return redirectToClient(
          res,
          redirectWithParams(request.redirectUri, {
            error: 'access_denied',
            error_description: 'The account admin denied access.',
            state: request.state,
          }),
        );
      if (form.decision !== 'allow') return sendErrorPage(res, 400, 'Choose Allow or Deny.');

      const signIn = await attemptAdminSignIn(db, limiter, req, res, form);
      if (!signIn.ok)
        return showForm(res, signIn.status, request, nonce, { email: signIn.email, alert: signIn.alert });
      const { account } = signIn;

      const user: OAuthUser = { accountId: account.id };
      const oauthRequest = new OAuthRequest({
        method: 'POST',
        headers: {},
        query: {},
        body: authorizationParams(request),
      });
      const oauthResponse = new OAuthResponse();
      try {
        await server.authorize(oauthRequest, oauthResponse, { authenticateHandler: { handle: () => user } });
      } catch (err) {
        // The request was validated above, so only a failure on our side lands here; the library's
        // redirect would carry its internal message, so it is not followed.
        if (!(err instanceof OAuthError) || err instanceof ServerError) throw err;
        req.log.warn({ error: err.name }, 'authorize refused a validated request');
      }
      const location: unknown = oauthResponse.get('location');
      if (typeof location !== 'string') throw new Error('authorize produced no redirect');
      redirectToClient(res, location);
    },
  );

  const bodyErrors: ErrorRequestHandler = (err, _req, res, next) => {
    if (!isBodyParserError(err)) return next(err);
    sendErrorPage(res, 400, 'The sign-in form could not be read. Start connecting again from the app.');
  };
  router.use(bodyErrors);
  return router;
}
