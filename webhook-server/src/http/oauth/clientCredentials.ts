import { textProblem } from '../../domain/untrustedText';
import type { Request } from 'express';

export type ClientCredentials =
  | { ok: true; clientId: string; clientSecret: string; viaBasic: boolean }
  | { ok: false; error: 'invalid_request' | 'invalid_client'; description: string; viaBasic: boolean };

/** RFC 6749 §2.3.1: Basic credentials are form-encoded before base64. */
function parseBasic(header: string): { id: string; secret: string } | undefined {
  const match = /^basic\s+([A-Za-z0-9+/=._~-]+)\s*$/i.exec(header);
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    const decode = (part: string) => decodeURIComponent(part.replace(/\+/g, ' '));
    const id = decode(decoded.slice(0, colon));
    // Refused like a client_id sent in the body, so the lookup never sees a control character.
    if (textProblem(id, 'identifier')) return undefined;
    return { id, secret: decode(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

/**
 * Client authentication for /oauth/token and /oauth/revoke: HTTP Basic (client_secret_basic) or
 * client_id + client_secret in the body (client_secret_post), never both. Every client is
 * confidential, so a request without a secret is refused.
 */
export function clientCredentials(req: Request, body: Record<string, string>): ClientCredentials {
  const header = req.get('authorization');
  if (header) {
    const basic = parseBasic(header);
    if (!basic)
      return {
        ok: false,
        error: 'invalid_client',
        description: 'The Authorization header must be Basic base64(client_id:client_secret).',
        viaBasic: true,
      };
    if (body.client_secret !== undefined)
      return {
        ok: false,
        error: 'invalid_request',
        description: 'Authenticate the client one way: HTTP Basic or client_secret in the body, not both.',
        viaBasic: true,
      };
    return { ok: true, clientId: basic.id, clientSecret: basic.secret, viaBasic: true };
  }
  if (body.client_id && body.client_secret)
    return { ok: true, clientId: body.client_id, clientSecret: body.client_secret, viaBasic: false };
  return {
    ok: false,
    error: 'invalid_client',
    description: 'Authenticate the client with HTTP Basic, or send client_id and client_secret in the body.',
    viaBasic: false,
  };
}

/**
 * The token and revoke parameters as strings. A parameter sent twice (an array from a form) or as
 * a JSON non-string is named so the client can fix it.
 */
export function stringParams(body: unknown): { params: Record<string, string> } | { problem: string } {
  if (body === undefined || body === null) return { params: {} };
  if (typeof body !== 'object' || Array.isArray(body))
    return { problem: 'Send the parameters as a form (application/x-www-form-urlencoded) or a JSON object.' };
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) {
    if (typeof value !== 'string') return { problem: `${name} must be sent once, as a string.` };
    const problem = textProblem(value, 'identifier') ?? textProblem(name, 'identifier');
    if (problem) return { problem: `${JSON.stringify(name).slice(1, -1)} ${problem}.` };
    params[name] = value;
  }
  return { params };
}
