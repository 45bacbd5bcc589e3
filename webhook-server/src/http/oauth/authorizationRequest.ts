import type { Db } from '../../domain/db';
import { findOAuthClient, type OAuthClient } from '../../domain/oauth/clients';
import { grantableScopes } from '../../domain/oauth/scopes';
import { textProblem } from '../../domain/untrustedText';

/** A validated authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3). */
export interface AuthorizationRequest {
  client: OAuthClient;
  redirectUri: string;
  scope: string[];
  state?: string;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256';
}

export type AuthorizationRequestCheck =
  | { ok: true; request: AuthorizationRequest }
  /** The client or redirect URI cannot be trusted: show an error page, never redirect. */
  | { ok: false; fatal: string }
  /** The client is known and the redirect URI is its own: tell the client (RFC 6749 §4.1.2.1). */
  | { ok: false; redirect: string };

const PARAMS = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
] as const;
type Params = Partial<Record<(typeof PARAMS)[number], string>>;

// RFC 6749 §A.5 (state: VSCHAR) and RFC 7636 §4.2 (code_challenge: 43–128 unreserved characters).
const VSCHAR = /^[\x20-\x7e]{1,1024}$/;
const CODE_CHALLENGE = /^[A-Za-z0-9\-._~]{43,128}$/;

export function redirectWithParams(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [key, value] of Object.entries(params))
    if (value !== undefined) url.searchParams.set(key, value);
  return url.toString();
}

/**
 * Reads the parameters from a query (GET) or the sign-in form (POST). A parameter sent twice is
 * refused (RFC 6749 §3.1), as is one that is not a string.
 */
export async function checkAuthorizationRequest(
  db: Db,
  source: Record<string, unknown>,
): Promise<AuthorizationRequestCheck> {
  const params: Params = {};
  const repeated: string[] = [];
  for (const name of PARAMS) {
    const value = source[name];
    if (typeof value === 'string' && value !== '') params[name] = value;
    else if (value !== undefined && value !== '') repeated.push(name);
  }

  if (!params.client_id || repeated.includes('client_id'))
    return {
      ok: false,
      fatal: 'The link that brought you here has no valid client_id. Start connecting again from the app.',
    };
  const clientIdProblem = textProblem(params.client_id, 'identifier');
  if (clientIdProblem)
    return {
      ok: false,
      fatal: `The link that brought you here has a client_id that ${clientIdProblem}. Start connecting again from the app.`,
    };
  const client = await findOAuthClient(db, params.client_id);
  if (!client)
    return {
      ok: false,
      fatal: 'The app that sent you here is not registered with Atlas. Contact the app’s developer.',
    };
  if (!params.redirect_uri || repeated.includes('redirect_uri'))
    return {
      ok: false,
      fatal: 'The link that brought you here has no redirect_uri. Start connecting again from the app.',
    };
  if (!client.redirectUris.includes(params.redirect_uri))
    return {
      ok: false,
      fatal: `The address ${client.name} asked to return to is not registered for it, so Atlas will not send you there.`,
    };

  const redirectUri = params.redirect_uri;
  const state = params.state !== undefined && VSCHAR.test(params.state) ? params.state : undefined;
  const fail = (error: string, description: string): AuthorizationRequestCheck => ({
    ok: false,
    redirect: redirectWithParams(redirectUri, { error, error_description: description, state }),
  });

  if (repeated.length) return fail('invalid_request', `Send each parameter once: ${repeated.join(', ')}.`);
  if (params.state !== undefined && state === undefined)
    return fail('invalid_request', 'state must be 1 to 1024 printable ASCII characters.');
  if (params.response_type !== 'code')
    return fail('unsupported_response_type', 'response_type must be code.');
  const scope = grantableScopes(params.scope?.split(' ').filter(Boolean));
  if (!scope) return fail('invalid_scope', 'scope may contain only: openid profile email offline_access.');
  // Only S256 is accepted, and it is never implied: RFC 7636 would read a missing method as plain.
  if (params.code_challenge !== undefined && params.code_challenge_method !== 'S256')
    return fail('invalid_request', 'code_challenge_method must be S256.');
  if (params.code_challenge_method !== undefined && params.code_challenge === undefined)
    return fail('invalid_request', 'code_challenge is required with code_challenge_method.');
  if (params.code_challenge !== undefined && !CODE_CHALLENGE.test(params.code_challenge))
    return fail(
      'invalid_request',
      'code_challenge must be 43 to 128 characters of A-Z, a-z, 0-9, "-", ".", "_", "~".',
    );

  return {
    ok: true,
    request: {
      client,
      redirectUri,
      scope,
      state,
      ...(params.code_challenge ? { codeChallenge: params.code_challenge, codeChallengeMethod: 'S256' } : {}),
    },
  };
}

/** The request as the form's hidden fields and the library's authorize call carry it. */
export function authorizationParams(request: AuthorizationRequest): Record<string, string> {
  const params: Record<string, string> = {
    response_type: 'code',
    client_id: request.client.id,
    redirect_uri: request.redirectUri,
    scope: request.scope.join(' '),
  };
  if (request.state !== undefined) params.state = request.state;
  if (request.codeChallenge) {
    params.code_challenge = request.codeChallenge;
    params.code_challenge_method = 'S256';
  }
  return params;
}
