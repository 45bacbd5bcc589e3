/** The scopes granted; a request without `scope` (or naming only openid) is granted all of them. */
export const SUPPORTED_SCOPES = ['profile', 'email', 'offline_access'] as const;
/**
 * Atlas's published API reference also lists openid, so a request may name it, but it is never
 * granted: this is an OAuth 2 authorization server, not an OpenID Provider, and issues no ID
 * token. The token response's scope says what was granted (RFC 6749 §3.3), so a strict OpenID
 * client sees that no ID token is coming instead of waiting for one.
 */
export const ACCEPTED_SCOPES: readonly string[] = ['openid', ...SUPPORTED_SCOPES];

export const ACCESS_TOKEN_LIFETIME_SECONDS = 36_000;
export const REFRESH_TOKEN_LIFETIME_SECONDS = 30 * 24 * 60 * 60;
export const AUTHORIZATION_CODE_LIFETIME_SECONDS = 10 * 60;

/** The requested scopes in canonical order, or undefined when one of them is not supported. */
export function grantableScopes(requested: readonly string[] | undefined): string[] | undefined {
  if (!requested?.length) return [...SUPPORTED_SCOPES];
  if (!requested.every((scope) => ACCEPTED_SCOPES.includes(scope))) return undefined;
  const granted = SUPPORTED_SCOPES.filter((scope) => requested.includes(scope));
  return granted.length ? granted : [...SUPPORTED_SCOPES];
}

export function parseScopeText(scope: string): string[] {
  return scope.split(' ').filter(Boolean);
}
