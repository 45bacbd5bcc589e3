import type {
  AfterResponseMiddleware,
  BeforeRequestMiddleware,
  HttpResponse,
  ZObject,
} from 'zapier-platform-core';
import type { ApiError } from '../../../schemas/generated/types';
import { atlasBaseUrl } from './config';

// Paths are written relative (`/v1/api/usage`) so the base URL lives in one place, the environment.
// The bearer token only goes to the Atlas API and userinfo, never to the token endpoint (which
// authenticates the client, not the user) nor to any other host.
export const addBaseUrlAndBearer: BeforeRequestMiddleware = (request, _z, bundle) => {
  const base = atlasBaseUrl();
  if (request.url.startsWith('/')) request.url = `${base}${request.url}`;
  const headers: Record<string, string> = { Accept: 'application/json', ...request.headers };
  const token = bundle.authData?.access_token;
  const needsBearer = request.url.startsWith(`${base}/v1/`) || request.url === `${base}/oauth/userinfo`;
  const hasAuthorization = Object.keys(headers).some((name) => name.toLowerCase() === 'authorization');
  if (token && needsBearer && !hasAuthorization) headers.Authorization = `Bearer ${token}`;
  request.headers = headers;
  // Core would raise its own generic 429 error before our afterResponse runs; we want the
  // server's message and an HTTP-date Retry-After understood too.
  return Object.assign(request, { throwForThrottlingEarly: false });
};

const DEFAULT_RETRY_AFTER_SECONDS = 60;

export function retryAfterSeconds(value: string | undefined, now: Date = new Date()): number {
  if (!value) return DEFAULT_RETRY_AFTER_SECONDS;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return DEFAULT_RETRY_AFTER_SECONDS;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

interface OAuthErrorBody {
  error?: string;
  error_description?: string;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// The API answers {statusCode, error, message, details?}; the token endpoint answers RFC 6749
// {error, error_description}. Either way the user should read what the server said.
export function serverMessage(response: HttpResponse): string {
  const body: unknown = response.data;
  if (isRecord(body)) {
    const api = body as Partial<ApiError>;
    if (typeof api.message === 'string' && api.message) {
      const details = Array.isArray(api.details)
        ? api.details.map((d) => `${d.field}: ${d.message}`).join('; ')
        : '';
      return details ? `${api.message} (${details})` : api.message;
    }
    const oauth = body as OAuthErrorBody;
    if (typeof oauth.error_description === 'string' && oauth.error_description)
      return oauth.error_description;
    if (typeof oauth.error === 'string' && oauth.error) return oauth.error;
  }
  return `Atlas answered HTTP ${response.status} without an explanation.`;
}

function errorCode(response: HttpResponse): string {
  const body: unknown = response.data;
  if (isRecord(body) && typeof body.error === 'string') return body.error;
  return String(response.status);
}

// 5xx are left to core's throwForStatus, whose ResponseError Zapier treats as a transient failure.
export const mapErrorResponses: AfterResponseMiddleware = (response, z: ZObject) => {
  const { status } = response;
  if (response.skipThrowForStatus || status < 400 || status >= 500) return response;
  if (status === 401) {
    throw new z.errors.RefreshAuthError('Atlas refused the access token; refreshing the connection.');
  }
  // 409 with Retry-After is the idempotency store saying "the first attempt with this key is still
  // running, ask again": Zapier retrying the step later sends the same key and gets that answer.
  const retryAfter = response.getHeader('retry-after');
  if (status === 429 || (status === 409 && retryAfter)) {
    throw new z.errors.ThrottledError(serverMessage(response), retryAfterSeconds(retryAfter));
  }
  throw new z.errors.Error(serverMessage(response), errorCode(response), status);
};
