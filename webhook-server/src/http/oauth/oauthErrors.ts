import type { ErrorRequestHandler, Response } from 'express';
import { clientRequestError } from '../errors';
import type { OAuthError } from '../../../../schemas/generated/types';

/** RFC 6749 §5.2 error codes this server answers with, as the contract (schemas/OAuthError.json) lists them. */
export type OAuthErrorCode = OAuthError['error'];

export const SERVER_ERROR_DESCRIPTION = 'Something failed on our side. It was logged; try again shortly.';

export function sendOAuthError(
  res: Response,
  status: number,
  error: OAuthErrorCode | string,
  description: string,
  headers: Record<string, string> = {},
): void {
  res
    .status(status)
    .set({ 'Cache-Control': 'no-store', Pragma: 'no-cache', ...headers })
    .json({ error, error_description: description });
}

/** body-parser failures on the OAuth endpoints are the client's: answered as RFC 6749 errors. */
export function isBodyParserError(err: unknown): boolean {
  return clientRequestError(err) !== undefined;
}

/**
 * The last error handler of /oauth/token, /oauth/revoke and /oauth/userinfo: a body the client broke is its
 * invalid_request, a 400 as RFC 6749 §5.2 answers every request error; anything else is our
 * server_error, logged, and answered in RFC 6749's shape like every other answer of these routes.
 */
export const oauthErrorHandler: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  const known = clientRequestError(err);
  if (known) return sendOAuthError(res, 400, 'invalid_request', known[1]);
  req.log?.error({ err }, 'oauth request failed');
  sendOAuthError(res, 500, 'server_error', SERVER_ERROR_DESCRIPTION);
};
