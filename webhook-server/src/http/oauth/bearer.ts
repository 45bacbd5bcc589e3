import { Router } from 'express';
import type { Clock } from '../../domain/clock';
import type { Db } from '../../domain/db';
import { getAccountRow } from '../../domain/accounts';
import { AppError } from '../../domain/errors';
import { noteGrantUse } from '../../domain/oauth/connectedApps';
import { resolveAccessToken } from '../../domain/oauth/tokens';
import { hashToken } from '../../domain/secrets';
import { bearerTokenOf, type Authenticator } from '../auth';
import { sendOAuthError } from './oauthErrors';

const INVALID_TOKEN =
  'The access token is invalid, expired or revoked. Refresh it, or connect the app again.';

/** OAuth access tokens on /v1/api/*: the same account access as its API key. */
export function bearerAuthenticator(db: Db, clock: Clock): Authenticator {
  return async (req) => {
    if (!/^Bearer\s/i.test(req.get('authorization') ?? '')) return undefined;
    const token = bearerTokenOf(req);
    const grant = token ? await resolveAccessToken(db, clock, token) : undefined;
    if (!token || !grant)
      throw new AppError(401, INVALID_TOKEN, undefined, {
        'WWW-Authenticate': 'Bearer error="invalid_token"',
      });
    await noteGrantUse(db, clock, grant.grantId);
    return { accountId: grant.accountId, credentialHash: hashToken(token) };
  };
}

/** GET /oauth/userinfo: who the access token speaks for (RFC 6750 errors). */
export function userInfoRoutes(db: Db, clock: Clock): Router {
  const router = Router();
  router.get('/oauth/userinfo', async (req, res) => {
    const token = bearerTokenOf(req);
    if (!token)
      return sendOAuthError(
        res,
        401,
        'invalid_request',
        'Send the access token as Authorization: Bearer <token>.',
        {
          'WWW-Authenticate': 'Bearer realm="atlas-connect"',
        },
      );
    const grant = await resolveAccessToken(db, clock, token);
    if (!grant)
      return sendOAuthError(res, 401, 'invalid_token', INVALID_TOKEN, {
        'WWW-Authenticate': 'Bearer realm="atlas-connect", error="invalid_token"',
      });
    const account = await getAccountRow(db, grant.accountId);
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' }).json({
      sub: account.id,
      email: account.admin_email,
      name: account.admin_name,
      accountId: account.id,
      companyName: account.company_name,
      planId: account.plan_id,
    });
  });
  return router;
}
