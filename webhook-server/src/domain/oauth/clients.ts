import type { OAuthClientRow } from '../../db/schema';
import type { Clock } from '../clock';
import type { Db } from '../db';
import { badRequest } from '../errors';
import { newId } from '../ids';
import { hashToken, randomToken, secretsEqual } from '../secrets';

export const CLIENT_SECRET_PREFIX = 'atlcs_';

export interface OAuthClient {
  id: string;
  name: string;
  redirectUris: string[];
  createdAt: string;
}

export interface IssuedOAuthClient extends OAuthClient {
  /** Shown once; only its hash is stored. */
  clientSecret: string;
}

export function toOAuthClient(row: OAuthClientRow): OAuthClient {
  return {
    id: row.id,
    name: row.name,
    redirectUris: JSON.parse(row.redirect_uris) as string[],
    createdAt: row.created_at,
  };
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Redirect URIs are compared exactly, so they must be absolute, carry no fragment (RFC 6749
 * §3.1.2) and use https, except on a loopback host where a developer runs a local client.
 */
export function redirectUriProblem(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `"${uri}" is not an absolute URL`;
  }
  if (url.hash || uri.includes('#')) return `"${uri}" must not contain a fragment (#…)`;
  // https://user:pw@host/cb would send the user's browser with credentials in the URL (and shows
  // the host part ambiguously); no client needs it.
  if (url.username || url.password) return `"${uri}" must not contain a user name or password`;
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return undefined;
  return `"${uri}" must use https (plain http is allowed only for localhost or 127.0.0.1)`;
}

export async function createOAuthClient(
  db: Db,
  clock: Clock,
  input: { name: string; redirectUris: string[] },
): Promise<IssuedOAuthClient> {
  const name = input.name.trim();
  if (!name || name.length > 100) throw badRequest('--name must be 1 to 100 characters.');
  if (input.redirectUris.length === 0) throw badRequest('Give at least one --redirect-uri.');
  const problems = input.redirectUris.map(redirectUriProblem).filter((p): p is string => !!p);
  if (problems.length)
    throw badRequest(
      `Each --redirect-uri must be valid: ${problems.join('; ')}.`,
      problems.map((message) => ({ field: 'redirectUri', message })),
    );
  const clientSecret = randomToken(CLIENT_SECRET_PREFIX);
  const row: OAuthClientRow = {
    id: newId('cli'),
    name,
    secret_hash: hashToken(clientSecret),
    redirect_uris: JSON.stringify([...new Set(input.redirectUris)]),
    created_at: clock.now().toISOString(),
  };
  await db.insertInto('oauth_clients').values(row).execute();
  return { ...toOAuthClient(row), clientSecret };
}

export async function findOAuthClient(db: Db, clientId: string): Promise<OAuthClient | undefined> {
  const row = await db.selectFrom('oauth_clients').selectAll().where('id', '=', clientId).executeTakeFirst();
  return row ? toOAuthClient(row) : undefined;
}

/** The client when the secret is its own; undefined for an unknown client or a wrong secret. */
export async function authenticateOAuthClient(
  db: Db,
  clientId: string,
  clientSecret: string,
): Promise<OAuthClient | undefined> {
  const row = await db.selectFrom('oauth_clients').selectAll().where('id', '=', clientId).executeTakeFirst();
  if (!row || !secretsEqual(hashToken(clientSecret), row.secret_hash)) return undefined;
  return toOAuthClient(row);
}
