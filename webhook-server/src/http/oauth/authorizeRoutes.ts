import OAuth2Server, {
  OAuthError,
  Request as OAuthRequest,
  Response as OAuthResponse,
  ServerError,
} from '@node-oauth/oauth2-server';
import { parse as parseCookies } from 'cookie';
import express, { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import type { Db } from '../../domain/db';
import { verifyAdminCredentials } from '../../domain/oauth/adminSignIn';
import {
  authorizationParams,
  checkAuthorizationRequest,
  redirectWithParams,
  type AuthorizationRequest,
  type AuthorizationRequestCheck,
} from './authorizationRequest';
import { FormTokens } from './formToken';
import { isBodyParserError } from './oauthErrors';
import { textProblem } from '../../domain/untrustedText';
import { sendErrorPage, sendSignInPage } from './page';
import type { SignInLimiter } from './signInLimiter';
import type { OAuthUser } from './model';

const BROWSER_COOKIE = 'atlas_oauth_form';
const BAD_CREDENTIALS = 'The email or password is not correct.';
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

  /** Every redirect back to the client carries `iss`, so a client talking to several servers can tell which one answered (mix-up attacks). */
  const redirectToClient = (res: Response, location: string) => {
    const url = new URL(location);
    url.searchParams.set('iss', issuer);
    res.redirect(302, url.toString());
  };

  const browserNonce = (req: Request): string | undefined => {
    const value = parseCookies(req.get('cookie') ?? '')[BROWSER_COOKIE];
    return value && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
  };

  const ensureBrowserNonce = (req: Request, res: Response): string => {
    const existing = browserNonce(req);
    if (existing) return existing;
    const nonce = FormTokens.newBrowserNonce();
    res.cookie(BROWSER_COOKIE, nonce, {
      httpOnly: true,
      sameSite: 'lax',
      secure: secureCookies,
      path: '/oauth/authorize',
      maxAge: 60 * 60 * 1000,
    });
    return nonce;
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
    showForm(res, 200, check.request, ensureBrowserNonce(req, res));
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

      const email = typeof form.email === 'string' ? form.email.trim() : '';
      const password = typeof form.password === 'string' ? form.password : '';
      if (!email || !password)
        return showForm(res, 400, request, nonce, { email, alert: 'Enter your admin email and password.' });
      if (textProblem(email, 'identifier'))
        return showForm(res, 400, request, nonce, {
          alert: 'The email must not contain control characters.',
        });

      const admission = await limiter.admit(email, req.ip ?? 'unknown');
      if (!admission.allowed) {
        res.set('Retry-After', String(admission.retryAfterSeconds));
        const minutes = Math.ceil(admission.retryAfterSeconds / 60);
        return showForm(res, 429, request, nonce, {
          email,
          alert: `Too many sign-in attempts. Wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again.`,
        });
      }
      const account = await verifyAdminCredentials(db, email, password);
      if (!account) return showForm(res, 401, request, nonce, { email, alert: BAD_CREDENTIALS });
      await limiter.succeeded(email);

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
