import type { Authentication, Bundle, HttpResponse, ZObject } from 'zapier-platform-core';
import { atlasBaseUrl, oauthClient } from './config';
import { isRecord, serverMessage } from './middleware';

export const OAUTH_SCOPE = 'openid profile email offline_access';

/** What Zapier keeps in bundle.authData. */
export interface AtlasAuthData {
  access_token: string;
  refresh_token: string;
}

/** GET /oauth/userinfo; also the connection test, whose fields feed the connection label. */
export interface AtlasUserInfo {
  sub: string;
  email: string;
  name: string;
  accountId: string;
  companyName: string;
  planId: string;
}

interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token?: string;
  scope?: string;
}

export const authorizeUrl = async (_z: ZObject, bundle: Bundle): Promise<string> => {
  const { clientId } = oauthClient();
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: String(bundle.inputData.redirect_uri ?? ''),
    state: String(bundle.inputData.state ?? ''),
    scope: OAUTH_SCOPE,
  });
  return `${atlasBaseUrl()}/oauth/authorize?${params.toString()}`;
};

// Token errors are handled here rather than by the shared middleware: a refused refresh token
// means the user must reconnect (ExpiredAuthError), not that the request should be retried.
async function requestTokens(z: ZObject, form: Record<string, string>): Promise<HttpResponse<TokenResponse>> {
  const { clientId, clientSecret } = oauthClient();
  try {
    return await z.request<TokenResponse>({
      url: `${atlasBaseUrl()}/oauth/token`,
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: { ...form, client_id: clientId, client_secret: clientSecret },
      skipThrowForStatus: true,
    });
  } catch (err) {
    // With autoRefresh on, core turns every 401 into a bare RefreshAuthError before skipThrowForStatus
    // or our middleware see it. From the token endpoint a 401 means invalid_client: this app's
    // CLIENT_ID/CLIENT_SECRET are wrong, which no refresh or reconnect by the user can fix.
    if (err instanceof z.errors.RefreshAuthError) {
      throw new z.errors.Error(
        'Atlas refused this Zapier app’s client credentials (invalid_client). Check CLIENT_ID and CLIENT_SECRET (zapier-platform env:set).',
        'invalid_client',
        401,
      );
    }
    throw err;
  }
}

export const getAccessToken = async (z: ZObject, bundle: Bundle): Promise<AtlasAuthData> => {
  const response = await requestTokens(z, {
    grant_type: 'authorization_code',
    code: String(bundle.inputData.code ?? ''),
    redirect_uri: String(bundle.inputData.redirect_uri ?? ''),
  });
  if (response.status !== 200) {
    throw new z.errors.Error(
      `Atlas did not accept the sign-in: ${serverMessage(response)}`,
      'oauth',
      response.status,
    );
  }
  return { access_token: response.data.access_token, refresh_token: response.data.refresh_token ?? '' };
};

export const refreshAccessToken = async (z: ZObject, bundle: Bundle): Promise<AtlasAuthData> => {
  const response = await requestTokens(z, {
    grant_type: 'refresh_token',
    refresh_token: bundle.authData.refresh_token ?? '',
  });
  const body: unknown = response.data;
  if (response.status === 400 && isRecord(body) && body.error === 'invalid_grant') {
    throw new z.errors.ExpiredAuthError(
      `Your Atlas connection has expired (${serverMessage(response)}). Reconnect your Atlas account.`,
    );
  }
  if (response.status !== 200) {
    throw new z.errors.Error(
      `Atlas could not refresh the connection: ${serverMessage(response)}`,
      'oauth',
      response.status,
    );
  }
  // Atlas rotates refresh tokens; keep the old one if a server ever answers without a new one.
  return {
    access_token: response.data.access_token,
    refresh_token: response.data.refresh_token ?? bundle.authData.refresh_token ?? '',
  };
};

export const testAuth = async (z: ZObject): Promise<AtlasUserInfo> => {
  const response = await z.request<AtlasUserInfo>({ url: '/oauth/userinfo' });
  return response.data;
};

export const authentication = {
  type: 'oauth2' as const,
  test: testAuth,
  connectionLabel: '{{companyName}} ({{email}})',
  fields: [],
  oauth2Config: {
    authorizeUrl,
    getAccessToken,
    refreshAccessToken,
    autoRefresh: true,
  },
} satisfies Authentication;
