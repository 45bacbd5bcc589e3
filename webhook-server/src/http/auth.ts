import type { Request, RequestHandler, Response } from 'express';
import { accountForApiKey } from '../domain/apiKeys';
import type { Db } from '../domain/db';
import { AppError } from '../domain/errors';
import { secretsEqual } from '../domain/secrets';

/** Resolves a request's credentials to an account id, or undefined when it carries none of its kind. */
export type Authenticator = (req: Request) => Promise<string | undefined>;

export function apiKeyAuthenticator(db: Db): Authenticator {
  return async (req) => {
    const key = req.get('api-key');
    if (!key) return undefined;
    const accountId = await accountForApiKey(db, key);
    if (!accountId)
      throw new AppError(401, 'The API key is not valid or has been revoked. Create a new one.');
    return accountId;
  };
}

const UNAUTHENTICATED =
  'Authenticate with an `api-key: <key>` header or `Authorization: Bearer <access token>`.';

/** Requires an account credential; the account id is then `accountIdOf(res)`. */
export function requireAccount(authenticators: Authenticator[]): RequestHandler {
  return async (req, res, next) => {
    for (const authenticate of authenticators) {
      const accountId = await authenticate(req);
      if (accountId) {
        res.locals.accountId = accountId;
        res.locals.recheckCredential = () => authenticate(req).then((again) => again === accountId);
        next();
        return;
      }
    }
    throw new AppError(401, UNAUTHENTICATED, undefined, { 'WWW-Authenticate': 'Bearer' });
  };
}

export function accountIdOf(res: Response): string {
  const accountId: unknown = res.locals.accountId;
  if (typeof accountId !== 'string') throw new Error('requireAccount must run before this handler');
  return accountId;
}

/**
 * Asks the authenticator that admitted the request again: false once its key or token was revoked
 * or expired (long-lived responses such as event streams check this as they go).
 */
export async function credentialStillValid(res: Response): Promise<boolean> {
  const recheck = res.locals.recheckCredential as (() => Promise<boolean>) | undefined;
  if (!recheck) throw new Error('requireAccount must run before this handler');
  return recheck().catch(() => false);
}

/** The token of an `Authorization: Bearer <token>` header (scheme in any case, RFC 6750), if any. */
export function bearerTokenOf(req: Request): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
  return match?.[1];
}

/** The calling platform's service token guards /v1/internal/*. */
export function requireServiceToken(serviceToken: string | undefined): RequestHandler {
  return (req, _res, next) => {
    if (!serviceToken) {
      throw new AppError(
        503,
        'Internal endpoints are disabled: set ATLAS_SERVICE_TOKEN on the server to enable them.',
      );
    }
    const presented = bearerTokenOf(req);
    if (!presented || !secretsEqual(presented, serviceToken)) {
      throw new AppError(401, 'Send the service token as `Authorization: Bearer <ATLAS_SERVICE_TOKEN>`.');
    }
    next();
  };
}
