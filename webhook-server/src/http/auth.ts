import type { Request, RequestHandler, Response } from 'express';
import type { ApiKeyCache } from '../domain/apiKeyCache';
import { accountForApiKeyHash } from '../domain/apiKeys';
import type { Db } from '../domain/db';
import { AppError } from '../domain/errors';
import { hashToken, secretsEqual } from '../domain/secrets';

/** Who a request's credential speaks for. */
export interface Credential {
  accountId: string;
  /** The credential itself, hashed (hashToken): what the rate limit counts requests by. */
  credentialHash: string;
}

/** Resolves a request's credentials, or undefined when it carries none of its kind. */
export type Authenticator = (req: Request) => Promise<Credential | undefined>;

export function apiKeyAuthenticator(db: Db, cache: ApiKeyCache): Authenticator {
  const read = (keyHash: string) => accountForApiKeyHash(db, keyHash);
  return async (req) => {
    const key = req.headers['api-key'];
    if (typeof key !== 'string' || !key) return undefined;
    const credentialHash = hashToken(key);
    const accountId = await cache.accountFor(credentialHash, read);
    if (!accountId)
      throw new AppError(401, 'The API key is not valid or has been revoked. Create a new one.');
    return { accountId, credentialHash };
  };
}

const UNAUTHENTICATED =
  'Authenticate with an `api-key: <key>` header or `Authorization: Bearer <access token>`.';

/**
 * Requires an account credential; the account id is then `accountIdOf(res)` and the hashed
 * credential `credentialHashOf(res)`.
 */
export function requireAccount(authenticators: Authenticator[]): RequestHandler {
  return async (req, res, next) => {
    for (const authenticate of authenticators) {
      const credential = await authenticate(req);
      if (credential) {
        const { accountId } = credential;
        res.locals.accountId = accountId;
        res.locals.credentialHash = credential.credentialHash;
        res.locals.recheckCredential = () =>
          authenticate(req).then((again) => again?.accountId === accountId);
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

/** The credential the request authenticated with, hashed (see Credential). */
export function credentialHashOf(res: Response): string {
  const credentialHash: unknown = res.locals.credentialHash;
  if (typeof credentialHash !== 'string') throw new Error('requireAccount must run before this handler');
  return credentialHash;
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
