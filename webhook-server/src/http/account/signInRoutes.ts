import { parse as parseCookies } from 'cookie';
import { Router, type Request, type Response } from 'express';
import { endSession, startSession } from '../../domain/accountSessions';
import { verifyAdminCredentials } from '../../domain/oauth/adminSignIn';
import { FormTokens } from '../oauth/formToken';
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

  const browserNonce = (req: Request): string | undefined => {
    const value = parseCookies(req.get('cookie') ?? '')[BROWSER_COOKIE];
    return value && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
  };

  const showForm = (
    req: Request,
    res: Response,
    status: number,
    extra: { email?: string; alert?: string } = {},
  ) => {
    let nonce = browserNonce(req);
    if (!nonce) {
      nonce = FormTokens.newBrowserNonce();
      res.cookie(BROWSER_COOKIE, nonce, { ...sessionCookieOptions(secureCookies), maxAge: 60 * 60 * 1000 });
    }
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
    if (!formTokens.verify(csrf, browserNonce(req), FORM))
      return showForm(req, res, 403, { alert: 'This sign-in form has expired. Sign in again.' });
    const email = typeof form.email === 'string' ? form.email.trim() : '';
    const password = typeof form.password === 'string' ? form.password : '';
    if (!email || !password)
      return showForm(req, res, 400, { email, alert: 'Enter your admin email and password.' });

    const admission = await limiter.admit(email, req.ip ?? 'unknown');
    if (!admission.allowed) {
      res.set('Retry-After', String(admission.retryAfterSeconds));
      const minutes = Math.ceil(admission.retryAfterSeconds / 60);
      return showForm(req, res, 429, {
        email,
        alert: `Too many sign-in attempts. Wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again.`,
      });
    }
    const account = await verifyAdminCredentials(db, email, password);
    if (!account) return showForm(req, res, 401, { email, alert: 'The email or password is not correct.' });
    await limiter.succeeded(email);

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
