import type { OAuthGrantRow } from '../../db/schema';
import type { Clock } from '../clock';
import type { Db } from '../db';
import { inTransaction } from '../db';
import { newId } from '../ids';
import { hashToken } from '../secrets';
import { revokeGrant } from './grants';
import { ACCESS_TOKEN_LIFETIME_SECONDS, REFRESH_TOKEN_LIFETIME_SECONDS } from './scopes';

export const ACCESS_TOKEN_PREFIX = 'atlat_';
export const REFRESH_TOKEN_PREFIX = 'atlrt_';

const later = (clock: Clock, seconds: number) => new Date(clock.now().getTime() + seconds * 1000);

/**
 * Stores an access token and a refresh token of a grant (hashed). Returns false when the grant was
 * revoked meanwhile, e.g. because its code was replayed while this exchange was running.
 */
export async function saveTokenPair(
  db: Db,
  clock: Clock,
  input: {
    grantId: string;
    scope: string[];
    accessToken: string;
    refreshToken: string;
    /** A refresh: the rotated token's id and the new pair sealed for it (refreshReuse.ts). */
    rotatedFrom?: { tokenId: string; successorSealed: string };
  },
): Promise<{ accessTokenExpiresAt: Date; refreshTokenExpiresAt: Date } | false> {
  const accessTokenExpiresAt = later(clock, ACCESS_TOKEN_LIFETIME_SECONDS);
  const refreshTokenExpiresAt = later(clock, REFRESH_TOKEN_LIFETIME_SECONDS);
  const createdAt = clock.now().toISOString();
  const scope = input.scope.join(' ');
  return inTransaction(db, async (trx) => {
    const grant = await trx
      .selectFrom('oauth_grants')
      .select('revoked_at')
      .where('id', '=', input.grantId)
      .executeTakeFirst();
    if (!grant || grant.revoked_at) return false;
    const row = { grant_id: input.grantId, scope, created_at: createdAt, rotated_at: null, revoked_at: null };
    await trx
      .insertInto('oauth_tokens')
      .values([
        {
          ...row,
          id: newId('tok'),
          kind: 'access',
          token_hash: hashToken(input.accessToken),
          expires_at: accessTokenExpiresAt.toISOString(),
        },
        {
          ...row,
          id: newId('tok'),
          kind: 'refresh',
          token_hash: hashToken(input.refreshToken),
          expires_at: refreshTokenExpiresAt.toISOString(),
        },
      ])
      .execute();
    if (input.rotatedFrom)
      await trx
        .updateTable('oauth_tokens')
        .set({ successor_sealed: input.rotatedFrom.successorSealed })
        .where('id', '=', input.rotatedFrom.tokenId)
        .execute();
    return { accessTokenExpiresAt, refreshTokenExpiresAt };
  });
}

export interface StoredToken {
  id: string;
  kind: 'access' | 'refresh';
  scope: string[];
  expiresAt: Date;
  rotated: boolean;
  rotatedAt: string | null;
  successorSealed: string | null;
  revoked: boolean;
  grant: OAuthGrantRow;
}

export async function findToken(db: Db, token: string): Promise<StoredToken | undefined> {
  const row = await db
    .selectFrom('oauth_tokens')
    .selectAll()
    .where('token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!row) return undefined;
  const grant = await db
    .selectFrom('oauth_grants')
    .selectAll()
    .where('id', '=', row.grant_id)
    .executeTakeFirstOrThrow();
  return {
    id: row.id,
    kind: row.kind,
    scope: row.scope.split(' ').filter(Boolean),
    expiresAt: new Date(row.expires_at),
    rotated: row.rotated_at !== null,
    rotatedAt: row.rotated_at,
    successorSealed: row.successor_sealed ?? null,
    revoked: row.revoked_at !== null || grant.revoked_at !== null,
    grant,
  };
}

/** Exchanges a refresh token once: a second caller, even a concurrent one, gets false. */
export async function markRotated(db: Db, clock: Clock, tokenId: string): Promise<boolean> {
  const result = await db
    .updateTable('oauth_tokens')
    .set({ rotated_at: clock.now().toISOString() })
    .where('id', '=', tokenId)
    .where('rotated_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface AccessGrant {
  grantId: string;
  accountId: string;
  clientId: string;
  scope: string[];
}

/** What a live access token grants, or undefined when it is unknown, expired or revoked. */
export async function resolveAccessToken(
  db: Db,
  clock: Clock,
  token: string,
): Promise<AccessGrant | undefined> {
  const stored = await findToken(db, token);
  if (!stored || stored.kind !== 'access' || stored.revoked) return undefined;
  if (stored.expiresAt <= clock.now()) return undefined;
  return {
    grantId: stored.grant.id,
    accountId: stored.grant.account_id,
    clientId: stored.grant.client_id,
    scope: stored.scope,
  };
}

/**
 * RFC 7009 revocation by the client the token was issued to. A refresh token takes its whole
 * grant with it; an access token goes alone. Unknown tokens and other clients' tokens change nothing.
 */
export async function revokeTokenOfClient(
  db: Db,
  clock: Clock,
  clientId: string,
  token: string,
): Promise<void> {
  const stored = await findToken(db, token);
  if (!stored || stored.grant.client_id !== clientId) return;
  if (stored.kind === 'refresh') {
    await revokeGrant(db, clock, stored.grant.id, 'revoked_by_client');
    return;
  }
  await db
    .updateTable('oauth_tokens')
    .set({ revoked_at: clock.now().toISOString() })
    .where('id', '=', stored.id)
    .where('revoked_at', 'is', null)
    .execute();
}
