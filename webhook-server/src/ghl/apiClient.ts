import axios, { AxiosError, type AxiosInstance, type InternalAxiosRequestConfig } from 'axios';
import type { GhlConfig } from './config';

/** What GHL's token endpoint answers (docs/oauth/Authorization.md). */
export interface GhlTokenResponse {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  scope?: string;
  userType?: string;
  locationId?: string;
  companyId?: string;
}

/**
 * A failed GHL request, told without its request: axios errors carry the request's headers, and
 * so the bearer token, into any log that serializes them.
 */
export class GhlApiError extends Error {
  constructor(
    readonly status: number | undefined,
    readonly endpoint: string,
    readonly ghlMessage?: string,
  ) {
    super(
      `GHL ${endpoint} ${status ? `answered ${status}` : 'could not be reached'}${ghlMessage ? `: ${ghlMessage}` : ''}`,
    );
    this.name = 'GhlApiError';
  }
}

export const CONTACTS_VERSION = '2021-07-28';
export const TRIGGERS_VERSION = '2021-04-15';
const TIMEOUT_MS = 15_000;

function safeError(err: unknown): never {
  if (err instanceof AxiosError) {
    const data = err.response?.data as { message?: unknown; error_description?: unknown } | undefined;
    const message = typeof data?.message === 'string' ? data.message : data?.error_description;
    throw new GhlApiError(
      err.response?.status,
      `${err.config?.method?.toUpperCase() ?? ''} ${err.config?.url ?? ''}`.trim(),
      typeof message === 'string' ? message.slice(0, 200) : undefined,
    );
  }
  throw err;
}

/** A bare client of GHL's API origin: no redirects followed, errors made safe to log. */
export function ghlHttp(config: GhlConfig): AxiosInstance {
  const http = axios.create({ baseURL: config.apiBaseUrl, timeout: TIMEOUT_MS, maxRedirects: 0 });
  http.interceptors.response.use(undefined, safeError);
  return http;
}

/** The OAuth token endpoint, for the authorization code and refresh grants (user_type Location). */
export async function requestTokens(
  http: AxiosInstance,
  config: GhlConfig,
  grant: { code: string; redirectUri: string } | { refreshToken: string },
): Promise<GhlTokenResponse> {
  const form = new URLSearchParams({
    client_id: config.clientId,
    client_secret: config.clientSecret,
    user_type: 'Location',
    ...('code' in grant
      ? { grant_type: 'authorization_code', code: grant.code, redirect_uri: grant.redirectUri }
      : { grant_type: 'refresh_token', refresh_token: grant.refreshToken }),
  });
  const res = await http.post<GhlTokenResponse>('/oauth/token', form.toString(), {
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
  });
  const tokens = res.data;
  if (typeof tokens?.access_token !== 'string' || typeof tokens.refresh_token !== 'string')
    throw new GhlApiError(res.status, 'POST /oauth/token', 'the answer has no tokens');
  return tokens;
}

/** Where a location's current access token comes from, and how a rejected one is replaced. */
export interface LocationTokenSource {
  accessToken(locationId: string): Promise<string>;
  /** Refreshes unless the token has been replaced since `rejected` was read; returns the new one. */
  refreshAfterRejection(locationId: string, rejected: string): Promise<string>;
}

type LocationRequest = InternalAxiosRequestConfig & { atlasRetried?: boolean; atlasToken?: string };

/**
 * A client acting for one location: every request carries the location's bearer token, and a 401
 * refreshes it and retries once (GHL's tokens may be revoked or expire before their time).
 */
export function locationClient(
  config: GhlConfig,
  tokens: LocationTokenSource,
  locationId: string,
): AxiosInstance {
  const http = axios.create({ baseURL: config.apiBaseUrl, timeout: TIMEOUT_MS, maxRedirects: 0 });
  http.interceptors.request.use(async (request: LocationRequest) => {
    request.atlasToken ??= await tokens.accessToken(locationId);
    request.headers.set('Authorization', `Bearer ${request.atlasToken}`);
    return request;
  });
  http.interceptors.response.use(undefined, async (err: unknown) => {
    const request = (err as AxiosError).config as LocationRequest | undefined;
    if (err instanceof AxiosError && err.response?.status === 401 && request && !request.atlasRetried) {
      request.atlasRetried = true;
      request.atlasToken = await tokens.refreshAfterRejection(locationId, request.atlasToken ?? '');
      return http.request(request);
    }
    return safeError(err);
  });
  return http;
}

export interface GhlContact {
  id: string;
  locationId?: string;
  firstName?: string | null;
  lastName?: string | null;
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  tags?: string[];
  customFields?: Array<{ id: string; value?: unknown; key?: string }>;
}

export async function fetchContact(http: AxiosInstance, contactId: string): Promise<GhlContact | undefined> {
  try {
    const res = await http.get<{ contact?: GhlContact }>(`/contacts/${encodeURIComponent(contactId)}`, {
      headers: { Version: CONTACTS_VERSION, accept: 'application/json' },
    });
    return res.data?.contact;
  } catch (err) {
    // A refused token refresh is a GhlApiError too: only the contacts endpoint's own 404/400 mean "no such contact".
    if (
      err instanceof GhlApiError &&
      err.endpoint.includes('/contacts/') &&
      (err.status === 404 || err.status === 400)
    )
      return undefined;
    throw err;
  }
}

/** The location's name for the link page (read with the install's fresh token); its id when GHL does not tell. */
export async function fetchLocationName(
  http: AxiosInstance,
  locationId: string,
  accessToken: string,
): Promise<string> {
  try {
    const res = await http.get<{ location?: { name?: unknown } }>(
      `/locations/${encodeURIComponent(locationId)}`,
      {
        headers: {
          Version: CONTACTS_VERSION,
          accept: 'application/json',
          Authorization: `Bearer ${accessToken}`,
        },
      },
    );
    const name = res.data?.location?.name;
    return typeof name === 'string' && name.trim() ? name.trim().slice(0, 200) : locationId;
  } catch (err) {
    if (err instanceof GhlApiError) return locationId;
    throw err;
  }
}
