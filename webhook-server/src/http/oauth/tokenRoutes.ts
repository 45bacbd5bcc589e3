import OAuth2Server, {
  InvalidRequestError,
  OAuthError,
  Request as OAuthRequest,
  Response as OAuthResponse,
  ServerError,
} from '@node-oauth/oauth2-server';
import express, { Router, type Request, type Response } from 'express';
import type { Clock } from '../../domain/clock';
import type { Db } from '../../domain/db';
import { authenticateOAuthClient } from '../../domain/oauth/clients';
import { ACCESS_TOKEN_LIFETIME_SECONDS } from '../../domain/oauth/scopes';
import { RotatedWithinReuseInterval, successorWithinInterval } from '../../domain/oauth/refreshReuse';
import { revokeTokenOfClient } from '../../domain/oauth/tokens';
import { clientCredentials, stringParams } from './clientCredentials';
import { SERVER_ERROR_DESCRIPTION, sendOAuthError } from './oauthErrors';

const BODY_LIMIT = '16kb';
const SUPPORTED_GRANTS = ['authorization_code', 'refresh_token'];

/** Parses the body and client credentials shared by /oauth/token and /oauth/revoke, or answers the error. */
function readClientRequest(req: Request, res: Response) {
  if (req.body !== undefined && !req.is(['application/x-www-form-urlencoded', 'application/json'])) {
    sendOAuthError(
      res,
      400,
      'invalid_request',
      'Send the parameters as application/x-www-form-urlencoded or application/json.',
    );
    return undefined;
  }
  const parsed = stringParams(req.body);
  if ('problem' in parsed) {
    sendOAuthError(res, 400, 'invalid_request', parsed.problem);
    return undefined;
  }
  const credentials = clientCredentials(req, parsed.params);
  if (!credentials.ok) {
    const status = credentials.error === 'invalid_client' ? 401 : 400;
    const headers: Record<string, string> = credentials.viaBasic
      ? { 'WWW-Authenticate': 'Basic realm="atlas-connect"' }
      : {};
    sendOAuthError(res, status, credentials.error, credentials.description, headers);
    return undefined;
  }
  return { params: parsed.params, credentials };
}

/** The library reports a redirect URI that differs from the authorization request's as invalid_request; RFC 6749 §5.2 says invalid_grant. */
function rfcError(err: OAuthError): { error: string; description: string } {
  if (err instanceof InvalidRequestError && err.message.endsWith('`redirect_uri` is invalid'))
    return { error: 'invalid_grant', description: 'redirect_uri does not match the authorization request.' };
  return { error: err.name, description: err.message };
}

/** Tokens as the token endpoint answers them: never cached, expires_in the lifetime we grant. */
function sendTokens(res: Response, body: object): void {
  res
    .status(200)
    .set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' })
    .json({ ...body, expires_in: ACCESS_TOKEN_LIFETIME_SECONDS });
}

/**
 * A refresh token rotated moments ago was presented again (a concurrent refresh from another
 * worker): the same successor, or invalid_grant when it is gone. Nothing is revoked here.
 */
async function answerWithSuccessor(res: Response, db: Db, clock: Clock, clientId: string, token: string) {
  const pair = await successorWithinInterval(db, clock, clientId, token);
  if (!pair)
    return sendOAuthError(
      res,
      400,
      'invalid_grant',
      'Invalid grant: this refresh token was just exchanged. Use the refresh token of that response.',
    );
  sendTokens(res, {
    access_token: pair.accessToken,
    token_type: 'Bearer',
    refresh_token: pair.refreshToken,
    scope: pair.scope.join(' '),
  });
}

/**
 * POST /oauth/token (authorization_code, refresh_token) through @node-oauth/oauth2-server, and
 * POST /oauth/revoke (RFC 7009), which the library does not provide.
 */
export function tokenRoutes(server: OAuth2Server, db: Db, clock: Clock): Router {
  const router = Router();
  const formBody = express.urlencoded({ extended: false, limit: BODY_LIMIT });
  const jsonBody = express.json({ limit: BODY_LIMIT });

  router.post('/oauth/token', formBody, jsonBody, async (req, res) => {
    const read = readClientRequest(req, res);
    if (!read) return;
    const { params, credentials } = read;
    if (!params.grant_type) return sendOAuthError(res, 400, 'invalid_request', 'grant_type is required.');
    if (!SUPPORTED_GRANTS.includes(params.grant_type))
      return sendOAuthError(
        res,
        400,
        'unsupported_grant_type',
        'grant_type must be authorization_code or refresh_token.',
      );

    // The library reads form bodies only; JSON was parsed into the same flat parameters, so it is
    // handed over as one. Client credentials go in the body: they were already read above.
    const { client_id: _id, client_secret: _secret, ...grantParams } = params;
    const body = { ...grantParams, client_id: credentials.clientId, client_secret: credentials.clientSecret };
    const request = new OAuthRequest({
      method: 'POST',
      query: {},
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': String(JSON.stringify(body).length),
      },
      body,
    });
    const response = new OAuthResponse();
    try {
      await server.token(request, response);
    } catch (err) {
      const cause: unknown = err instanceof ServerError ? (err as { inner?: unknown }).inner : err;
      if (cause instanceof RotatedWithinReuseInterval)
        return answerWithSuccessor(res, db, clock, credentials.clientId, params.refresh_token ?? '');
      if (!(err instanceof OAuthError) || err instanceof ServerError) {
        req.log.error(
          { err: err instanceof ServerError ? ((err as { inner?: unknown }).inner ?? err) : err },
          'token request failed',
        );
        return sendOAuthError(res, 500, 'server_error', SERVER_ERROR_DESCRIPTION);
      }
      const { error, description } = rfcError(err);
      const status = error === 'invalid_client' ? 401 : err.code;
      const headers: Record<string, string> =
        error === 'invalid_client' ? { 'WWW-Authenticate': 'Basic realm="atlas-connect"' } : {};
      return sendOAuthError(res, status, error, description, headers);
    }
    // expires_in is the lifetime we grant; the library derives it from the wall clock and rounds down.
    sendTokens(res, response.body as object);
  });

  router.post('/oauth/revoke', formBody, jsonBody, async (req, res) => {
    const read = readClientRequest(req, res);
    if (!read) return;
    const { params, credentials } = read;
    const client = await authenticateOAuthClient(db, credentials.clientId, credentials.clientSecret);
    if (!client) {
      const headers: Record<string, string> = credentials.viaBasic
        ? { 'WWW-Authenticate': 'Basic realm="atlas-connect"' }
        : {};
      return sendOAuthError(
        res,
        401,
        'invalid_client',
        'Invalid client: client_id or client_secret is wrong.',
        headers,
      );
    }
    if (!params.token) return sendOAuthError(res, 400, 'invalid_request', 'token is required.');
    await revokeTokenOfClient(db, clock, client.id, params.token);
    res.status(200).set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' }).end();
  });

  return router;
}
