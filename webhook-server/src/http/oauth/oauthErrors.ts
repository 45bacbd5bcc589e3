import type { Response } from 'express';
import { clientBodyError } from '../errors';
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
  return clientBodyError(err) !== undefined;
}
