/** The scopes Atlas's published API reference lists; a request without `scope` is granted all of them. */
export const SUPPORTED_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;

export const ACCESS_TOKEN_LIFETIME_SECONDS = 36_000;
export const REFRESH_TOKEN_LIFETIME_SECONDS = 30 * 24 * 60 * 60;
export const AUTHORIZATION_CODE_LIFETIME_SECONDS = 10 * 60;

/** The requested scopes in canonical order, or undefined when one of them is not supported. */
export function grantableScopes(requested: readonly string[] | undefined): string[] | undefined {
  if (!requested || requested.length === 0) return [...SUPPORTED_SCOPES];
  if (!requested.every((scope) => (SUPPORTED_SCOPES as readonly string[]).includes(scope))) return undefined;
  return SUPPORTED_SCOPES.filter((scope) => requested.includes(scope));
}

export function parseScopeText(scope: string): string[] {
  return scope.split(' ').filter(Boolean);
}
