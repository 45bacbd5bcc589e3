import { Router, type Request, type Response } from 'express';
import { endSession, startSession } from '../../domain/accountSessions';
import { attemptAdminSignIn } from '../oauth/adminSignInAttempt';
import { browserNonceOf, ensureBrowserNonce } from '../oauth/browserNonce';
import type { AccountPageDeps } from './deps';
import { html } from './html';
import { sendPage } from './layout';
import {
  CSRF_FIELD,
  SESSION_COOKIE,
  SIGN_IN_PATH,
  requireCsrf,
  requireSession,
  sessionCookieOptions,
  sessionTokenOf,
} from './session';

const BROWSER_COOKIE = 'atlas_account_signin';
/** What the sign-in form's token is bound to, besides the browser's cookie. */
const FORM = { form: 'account-sign-in' };

/** Sign-in (admin email and password, the OAuth sign-in's check and limiter) and sign-out. */
export function signInRoutes(deps: AccountPageDeps): Router {
  const { storage, clock, formTokens, limiter, secureCookies } = deps;
  const { db } = storage;
  const router = Router();

  const cookie = { name: BROWSER_COOKIE, path: '/account', secure: secureCookies };

  const showForm = (
    req: Request,
    res: Response,
    status: number,
    extra: { email?: string; alert?: string } = {},
  ) => {
    const nonce = ensureBrowserNonce(req, res, cookie);
    sendPage(res, status, {
      title: 'Sign in',
      body: html`<section class="signin">
        <h1>Sign in to your Atlas account</h1>
        ${extra.alert ? html`<p role="alert" class="alert">${extra.alert}</p>` : ''}
        <form method="post" action="${SIGN_IN_PATH}">
          <input type="hidden" name="${CSRF_FIELD}" value="${formTokens.issue(nonce, FORM)}" />
          <label for="email">Admin email</label
          ><input
            id="email"
            name="email"
            type="email"
            autocomplete="username"
            required
            value="${extra.email ?? ''}"
          />
          <label for="password">Password</label
          ><input id="password" name="password" type="password" autocomplete="current-password" required />
          <div class="row"><button type="submit">Sign in</button></div>
        </form>
      </section>`,
    });
  };

  router.get(SIGN_IN_PATH, (req, res) => showForm(req, res, 200));

  router.post(SIGN_IN_PATH, async (req, res) => {
    const form: Record<string, unknown> = req.body ?? {};
    const csrf = typeof form[CSRF_FIELD] === 'string' ? (form[CSRF_FIELD] as string) : '';
    if (!formTokens.verify(csrf, browserNonceOf(req, cookie), FORM))
      return showForm(req, res, 403, { alert: 'This sign-in form has expired. Sign in again.' });
    const signIn = await attemptAdminSignIn(db, limiter, req, res, form);
    if (!signIn.ok) return showForm(req, res, signIn.status, { email: signIn.email, alert: signIn.alert });
    const { account } = signIn;

    // Whatever session id the browser brought is ended: the signed-in session always gets a new one.
    const previous = sessionTokenOf(req);
    if (previous) await endSession(db, previous);
    const session = await startSession(db, clock, account.id);
    res.cookie(SESSION_COOKIE, session.token, sessionCookieOptions(secureCookies));
    res.redirect(303, '/account/settings');
  });

  router.post('/account/sign-out', requireSession(db, clock), requireCsrf, async (req, res) => {
    const token = sessionTokenOf(req);
    if (token) await endSession(db, token);
    res.clearCookie(SESSION_COOKIE, sessionCookieOptions(secureCookies));
    res.redirect(303, SIGN_IN_PATH);
  });

  return router;
}
