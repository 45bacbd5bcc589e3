import type { OAuthGrantRow } from '../../db/schema';
import type { Clock } from '../clock';
import type { Db } from '../db';
import { inTransaction } from '../db';
import { newId } from '../ids';
import { hashToken } from '../secrets';
import { AUTHORIZATION_CODE_LIFETIME_SECONDS } from './scopes';

export type GrantRevocationReason =
  'code_reused' | 'refresh_token_reused' | 'revoked_by_client' | 'disconnected_by_admin';

export interface NewAuthorization {
  clientId: string;
  accountId: string;
  scope: string[];
  redirectUri: string;
  code: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
}

/** Records an authorization and its code (stored hashed), valid for ten minutes. */
export async function createGrant(db: Db, clock: Clock, input: NewAuthorization): Promise<OAuthGrantRow> {
  const now = clock.now();
  const row: OAuthGrantRow = {
    id: newId('grt'),
    client_id: input.clientId,
    account_id: input.accountId,
    scope: input.scope.join(' '),
    redirect_uri: input.redirectUri,
    code_hash: hashToken(input.code),
    code_challenge: input.codeChallenge ?? null,
    code_challenge_method: input.codeChallenge ? (input.codeChallengeMethod ?? 'S256') : null,
    code_expires_at: new Date(now.getTime() + AUTHORIZATION_CODE_LIFETIME_SECONDS * 1000).toISOString(),
    code_used_at: null,
    created_at: now.toISOString(),
    revoked_at: null,
    revoked_reason: null,
    last_used_at: null,
  };
  await db.insertInto('oauth_grants').values(row).execute();
  return row;
}

export async function findGrantByCode(db: Db, code: string): Promise<OAuthGrantRow | undefined> {
  return db
    .selectFrom('oauth_grants')
    .selectAll()
    .where('code_hash', '=', hashToken(code))
    .executeTakeFirst();
}

/**
 * Marks the code used. Only one caller can win: a second exchange of the same code, even a
 * concurrent one, gets false.
 */
export async function consumeCode(db: Db, clock: Clock, grantId: string): Promise<boolean> {
  const result = await db
    .updateTable('oauth_grants')
    .set({ code_used_at: clock.now().toISOString() })
    .where('id', '=', grantId)
    .where('code_used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Revokes the grant, and with it every token issued from it, now and later. */
export async function revokeGrant(
  db: Db,
  clock: Clock,
  grantId: string,
  reason: GrantRevocationReason,
): Promise<void> {
  await inTransaction(db, async (trx) => {
    const now = clock.now().toISOString();
    await trx
      .updateTable('oauth_grants')
      .set({ revoked_at: now, revoked_reason: reason })
      .where('id', '=', grantId)
      .where('revoked_at', 'is', null)
      .execute();
    await trx
      .updateTable('oauth_tokens')
      .set({ revoked_at: now })
      .where('grant_id', '=', grantId)
      .where('revoked_at', 'is', null)
      .execute();
  });
}
