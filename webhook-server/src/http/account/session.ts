import { parse as parseCookies } from 'cookie';
import type { CookieOptions, Request, RequestHandler, Response } from 'express';
import type { AccountRow } from '../../db/schema';
import { findAccountRow } from '../../domain/accounts';
import { findSession, type ActiveSession } from '../../domain/accountSessions';
import type { Clock } from '../../domain/clock';
import type { Db } from '../../domain/db';
import { secretsEqual } from '../../domain/secrets';
import { html } from './html';
import { sendPage } from './layout';

export const SESSION_COOKIE = 'atlas_account_session';
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';
export const SIGN_IN_PATH = '/account/sign-in';

/** HttpOnly, SameSite=Lax, Secure outside development; no Max-Age: the server decides when it ends. */
export function sessionCookieOptions(secure: boolean): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', secure, path: '/account' };
}

export function sessionTokenOf(req: Request): string | undefined {
  const value = parseCookies(req.get('cookie') ?? '')[SESSION_COOKIE];
  return value && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
}

export interface PageSession extends ActiveSession {
  account: AccountRow;
}

export function pageSessionOf(res: Response): PageSession {
  const session: unknown = res.locals.pageSession;
  if (!session) throw new Error('requireSession must run before this handler');
  return session as PageSession;
}

/**
 * Lets only a signed-in admin through. Without a live session a page redirects to sign-in (a
 * script's JSON request gets 401, which it turns into the same redirect).
 */
export function requireSession(db: Db, clock: Clock): RequestHandler {
  return async (req, res, next) => {
    const token = sessionTokenOf(req);
    const session = token ? await findSession(db, clock, token) : undefined;
    const account = session ? await findAccountRow(db, session.accountId) : undefined;
    if (!session || !account) {
      if (req.path.endsWith('.json') || req.path.endsWith('/stream')) {
        res
          .status(401)
          .json({ statusCode: 401, error: 'Unauthorized', message: 'Sign in again at /account.' });
        return;
      }
      res.redirect(303, SIGN_IN_PATH);
      return;
    }
    res.locals.pageSession = { ...session, account } satisfies PageSession;
    next();
  };
}

/**
 * Every write carries the session's CSRF token, in the form (hidden field) or, from a script, in
 * the X-CSRF-Token header. Runs after the body is parsed and before anything is changed.
 */
export const requireCsrf: RequestHandler = (req, res, next) => {
  const session = pageSessionOf(res);
  const body: Record<string, unknown> = req.body ?? {};
  const sent = typeof body[CSRF_FIELD] === 'string' ? (body[CSRF_FIELD] as string) : req.get(CSRF_HEADER);
  if (sent && secretsEqual(sent, session.csrfToken)) {
    next();
    return;
  }
  sendPage(res, 403, {
    title: 'Form expired',
    body: html`<section>
      <h1>This form has expired</h1>
      <p role="alert" class="alert">
        The form did not come from this page or your session changed, so nothing was changed.
      </p>
      <p><a href="/account">Back to your account</a></p>
    </section>`,
  });
};
