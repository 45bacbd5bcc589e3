import type { Request, Response } from 'express';
import type { AccountRow } from '../../db/schema';
import type { Db } from '../../domain/db';
import { verifyAdminCredentials } from '../../domain/oauth/adminSignIn';
import { textProblem } from '../../domain/untrustedText';
import type { SignInLimiter } from './signInLimiter';

const BAD_CREDENTIALS = 'The email or password is not correct.';

export type AdminSignInAttempt =
  { ok: true; account: AccountRow } | { ok: false; status: number; email: string; alert: string };

/**
 * One sign-in on an Atlas admin form (OAuth authorize, GHL link): the fields checked, the attempt
 * admitted by the limiter before the password is, and the account's points given back on success.
 * A refusal carries the status and message to show with the form again (Retry-After set on 429).
 */
export async function attemptAdminSignIn(
  db: Db,
  limiter: SignInLimiter,
  req: Request,
  res: Response,
  form: Record<string, unknown>,
): Promise<AdminSignInAttempt> {
  const email = typeof form.email === 'string' ? form.email.trim() : '';
  const password = typeof form.password === 'string' ? form.password : '';
  if (!email || !password)
    return { ok: false, status: 400, email, alert: 'Enter your admin email and password.' };
  if (textProblem(email, 'identifier'))
    return { ok: false, status: 400, email: '', alert: 'The email must not contain control characters.' };
  const admission = await limiter.admit(email, req.ip ?? 'unknown');
  if (!admission.allowed) {
    res.set('Retry-After', String(admission.retryAfterSeconds));
    const minutes = Math.ceil(admission.retryAfterSeconds / 60);
    return {
      ok: false,
      status: 429,
      email,
      alert: `Too many sign-in attempts. Wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again.`,
    };
  }
  const account = await verifyAdminCredentials(db, email, password);
  if (!account) return { ok: false, status: 401, email, alert: BAD_CREDENTIALS };
  await limiter.succeeded(email);
  return { ok: true, account };
}
