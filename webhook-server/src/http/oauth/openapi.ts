import { jsonContent, ref, type PathItems } from '../openapiParts';

const oauthError = (description: string) => ({ description, ...jsonContent(ref('OAuthError.json')) });
const formOrJson = (file: 'OAuthTokenRequest.json' | 'OAuthRevokeRequest.json') => ({
  required: true,
  content: {
    'application/x-www-form-urlencoded': { schema: ref(file) },
    'application/json': { schema: ref(file) },
  },
});
const clientAuth = [{ clientBasic: [] }, {}];
const query = (name: string, description: string, required = false, schema: object = { type: 'string' }) => ({
  name,
  in: 'query',
  required,
  description,
  schema,
});

/** The OAuth2 endpoints in the OpenAPI document. */
export const oauthPaths: PathItems = {
  '/oauth/authorize': {
    get: {
      summary: 'Sign-in and consent page (authorization code flow, RFC 6749 §4.1; PKCE S256 optional)',
      tags: ['OAuth2'],
      security: [],
      parameters: [
        query('response_type', 'Always code', true, { type: 'string', enum: ['code'] }),
        query('client_id', 'From atlas-connect oauth-clients create', true),
        query('redirect_uri', 'Exactly one of the client’s registered redirect URIs', true),
        query('state', 'Returned unchanged with the code'),
        query(
          'scope',
          'Space separated: profile email offline_access (all when omitted); openid is accepted but not granted (no ID tokens)',
        ),
        query('code_challenge', 'PKCE: BASE64URL(SHA256(code_verifier))'),
        query('code_challenge_method', 'PKCE: S256', false, { type: 'string', enum: ['S256'] }),
      ],
      responses: {
        200: { description: 'The HTML page where the account admin signs in and allows or denies' },
        302: {
          description:
            'A malformed request from a known client: back to its redirect_uri with error, error_description and state',
        },
        400: {
          description: 'Unknown client or unregistered redirect_uri: an HTML error page, never a redirect',
        },
      },
    },
    post: {
      summary: 'The sign-in form of the authorize page: sign in as the account admin and allow or deny',
      description:
        'Posted by the page GET /oauth/authorize serves, with its hidden fields (the authorization request and a csrf token bound to the atlas_oauth_form cookie). Not for API clients.',
      tags: ['OAuth2'],
      security: [],
      requestBody: {
        required: true,
        content: {
          'application/x-www-form-urlencoded': {
            schema: {
              type: 'object',
              required: ['response_type', 'client_id', 'redirect_uri', 'csrf', 'decision'],
              properties: {
                response_type: { type: 'string', enum: ['code'] },
                client_id: { type: 'string' },
                redirect_uri: { type: 'string' },
                scope: { type: 'string' },
                state: { type: 'string' },
                code_challenge: { type: 'string' },
                code_challenge_method: { type: 'string', enum: ['S256'] },
                csrf: { type: 'string', description: 'From the form; expires with it' },
                decision: { type: 'string', enum: ['allow', 'deny'] },
                email: { type: 'string', description: 'The account admin email (to allow)' },
                password: { type: 'string', format: 'password' },
              },
            },
          },
        },
      },
      responses: {
        302: {
          description:
            'Back to the redirect_uri with code, state and iss (allowed), error=access_denied (denied), or the error of a malformed request',
        },
        400: {
          description: 'An HTML page: unknown client, unregistered redirect_uri, or an unreadable form',
        },
        401: { description: 'The sign-in page again: the email or password is not correct' },
        403: { description: 'An HTML page: the form expired or did not come from this page (CSRF)' },
        429: { description: 'The sign-in page again: too many attempts; wait Retry-After seconds' },
      },
    },
  },
  '/oauth/token': {
    post: {
      summary: 'Exchange a code, or rotate a refresh token (Cache-Control: no-store)',
      tags: ['OAuth2'],
      security: clientAuth,
      requestBody: formOrJson('OAuthTokenRequest.json'),
      responses: {
        200: { description: 'Tokens', ...jsonContent(ref('OAuthTokenResponse.json')) },
        400: oauthError(
          'invalid_request, invalid_grant (unknown, expired, replayed or mismatched code; rotated refresh token — both revoke the authorization), unsupported_grant_type, invalid_scope',
        ),
        401: oauthError('invalid_client'),
        500: oauthError('server_error: logged; retry shortly'),
      },
    },
  },
  '/oauth/revoke': {
    post: {
      summary: 'Revoke an access or refresh token (RFC 7009)',
      tags: ['OAuth2'],
      security: clientAuth,
      requestBody: formOrJson('OAuthRevokeRequest.json'),
      responses: {
        200: { description: 'Revoked, or the token was unknown to this client (nothing changed)' },
        400: oauthError('invalid_request'),
        401: oauthError('invalid_client'),
        500: oauthError('server_error: logged; retry shortly'),
      },
    },
  },
  '/.well-known/oauth-authorization-server': {
    get: {
      summary: 'Authorization server metadata (RFC 8414): endpoints, grants, PKCE and client auth methods',
      tags: ['OAuth2'],
      security: [],
      responses: {
        200: {
          description: 'The metadata; issuer is also the iss parameter of authorization responses (RFC 9207)',
          ...jsonContent({
            type: 'object',
            required: ['issuer', 'authorization_endpoint', 'token_endpoint', 'response_types_supported'],
            properties: {
              issuer: { type: 'string', format: 'uri' },
              authorization_endpoint: { type: 'string', format: 'uri' },
              token_endpoint: { type: 'string', format: 'uri' },
              revocation_endpoint: { type: 'string', format: 'uri' },
              userinfo_endpoint: { type: 'string', format: 'uri' },
              scopes_supported: { type: 'array', items: { type: 'string' } },
              response_types_supported: { type: 'array', items: { type: 'string' } },
              grant_types_supported: { type: 'array', items: { type: 'string' } },
              code_challenge_methods_supported: { type: 'array', items: { type: 'string' } },
              token_endpoint_auth_methods_supported: { type: 'array', items: { type: 'string' } },
              authorization_response_iss_parameter_supported: { type: 'boolean' },
            },
          }),
        },
      },
    },
  },
  '/oauth/userinfo': {
    get: {
      summary: 'The account an access token speaks for',
      tags: ['OAuth2'],
      security: [{ bearer: [] }],
      responses: {
        200: { description: 'User info', ...jsonContent(ref('OAuthUserInfo.json')) },
        401: oauthError('invalid_request (no token) or invalid_token'),
        500: oauthError('server_error: logged; retry shortly'),
      },
    },
  },
};
