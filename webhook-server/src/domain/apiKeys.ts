import { forgetCachedApiKeys } from './apiKeyCache';
import type { Clock } from './clock';
import { compiledOnce } from './compiledOnce';
import type { Db } from './db';
import { afterCommit, inTransaction } from './db';
import { newId } from './ids';
import { hashToken, randomToken } from './secrets';

export const API_KEY_PREFIX = 'atlk_';

export interface IssuedApiKey {
  id: string;
  accountId: string;
  /** Shown once; only its hash is stored. */
  apiKey: string;
  prefix: string;
  createdAt: string;
}

/**
 * An account has one active API key: issuing a new one revokes the previous one. The process's
 * key caches forget what they hold when the revocation is written and again once it is committed
 * (a request in between may have read the key as still active), so the old key is refused from
 * the moment this returns.
 */
export async function issueApiKey(db: Db, clock: Clock, accountId: string): Promise<IssuedApiKey> {
  const apiKey = randomToken(API_KEY_PREFIX);
  const createdAt = clock.now().toISOString();
  const issued: IssuedApiKey = { id: newId('key'), accountId, apiKey, prefix: apiKey.slice(0, 9), createdAt };
  await inTransaction(db, async (trx) => {
    forgetCachedApiKeys();
    afterCommit(trx, forgetCachedApiKeys);
    await trx
      .updateTable('api_keys')
      .set({ revoked_at: createdAt })
      .where('account_id', '=', accountId)
      .where('revoked_at', 'is', null)
      .execute();
    await trx
      .insertInto('api_keys')
      .values({
        id: issued.id,
        account_id: accountId,
        key_hash: hashToken(apiKey),
        prefix: issued.prefix,
        created_at: createdAt,
        revoked_at: null,
      })
      .execute();
  });
  forgetCachedApiKeys();
  return issued;
}

// Every API request runs it: compiled once.
const activeKeyAccount = compiledOnce((db, keyHash: string) =>
  db
    .selectFrom('api_keys')
    .select('account_id')
    .where('key_hash', '=', keyHash)
    .where('revoked_at', 'is', null),
);

/** The account an active key belongs to, or undefined; by the key's hash (hashToken), read from the database. */
export async function accountForApiKeyHash(db: Db, keyHash: string): Promise<string | undefined> {
  const { rows } = await activeKeyAccount(db, keyHash);
  return rows[0]?.account_id;
}

/** The account's active key as it may be shown again: its prefix and when it was created, never the key. */
export async function activeApiKey(
  db: Db,
  accountId: string,
): Promise<{ prefix: string; createdAt: string } | undefined> {
  const row = await db
    .selectFrom('api_keys')
    .select(['prefix', 'created_at'])
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  return row ? { prefix: row.prefix, createdAt: row.created_at } : undefined;
}
