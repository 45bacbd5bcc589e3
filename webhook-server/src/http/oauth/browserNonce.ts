import { parse as parseCookies } from 'cookie';
import type { Request, Response } from 'express';
import { FormTokens } from './formToken';

/** The double-submit cookie of a sign-in form (FormTokens): its name and the path it is sent to. */
export interface BrowserNonceCookie {
  name: string;
  path: string;
  secure: boolean;
}

export function browserNonceOf(req: Request, cookie: BrowserNonceCookie): string | undefined {
  const value = parseCookies(req.get('cookie') ?? '')[cookie.name];
  return value && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
}

/** The browser's nonce, set as a cookie first when it has none. */
export function ensureBrowserNonce(req: Request, res: Response, cookie: BrowserNonceCookie): string {
  const existing = browserNonceOf(req, cookie);
  if (existing) return existing;
  const nonce = FormTokens.newBrowserNonce();
  res.cookie(cookie.name, nonce, {
    httpOnly: true,
    sameSite: 'lax',
    secure: cookie.secure,
    path: cookie.path,
    maxAge: 60 * 60 * 1000,
  });
  return nonce;
}
