import { Router } from 'express';
import { SUPPORTED_SCOPES } from '../../domain/oauth/scopes';

export const DISCOVERY_PATH = '/.well-known/oauth-authorization-server';
const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post'];

/**
 * RFC 8414 authorization server metadata: what strict clients (oauth4webapi, openid-client) read
 * to find the endpoints and check the issuer. `issuer` is PUBLIC_BASE_URL, which is also the
 * `iss` of every authorization response (RFC 9207).
 */
export function authorizationServerMetadata(issuer: string) {
  return {
    issuer,
    authorization_endpoint: `${issuer}/oauth/authorize`,
    token_endpoint: `${issuer}/oauth/token`,
    revocation_endpoint: `${issuer}/oauth/revoke`,
    userinfo_endpoint: `${issuer}/oauth/userinfo`,
    scopes_supported: [...SUPPORTED_SCOPES],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    revocation_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    authorization_response_iss_parameter_supported: true,
    service_documentation: `${issuer}/docs`,
  };
}

export function discoveryRoutes(issuer: string): Router {
  const router = Router();
  const metadata = authorizationServerMetadata(issuer);
  router.get(DISCOVERY_PATH, (_req, res) => {
    res.set('Cache-Control', 'public, max-age=3600').json(metadata);
  });
  return router;
}
