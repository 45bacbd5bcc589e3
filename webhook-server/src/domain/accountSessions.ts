import type { Clock } from './clock';
import type { Db } from './db';
import { hashToken, randomToken } from './secrets';

/** A session ends after this long without a request. */
export const SESSION_IDLE_MS = 30 * 60 * 1000;
/** And after this long whatever its activity: a stolen cookie is not good forever. */
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60 * 1000;
/** last_seen_at is rewritten at most this often, so reading a page is not a write each time. */
const TOUCH_INTERVAL_MS = 60 * 1000;

export interface StartedSession {
  /** The cookie value; only its hash is stored. */
  token: string;
  csrfToken: string;
}

export interface ActiveSession {
  tokenHash: string;
  accountId: string;
  csrfToken: string;
}

/** Opens a new session for an admin who just proved their credentials (always a new id: no fixation). */
export async function startSession(db: Db, clock: Clock, accountId: string): Promise<StartedSession> {
  const token = randomToken('');
  const csrfToken = randomToken('');
  const now = clock.now();
  // The account's sessions that ended unseen (a closed browser) are cleared as a new one starts.
  await db
    .deleteFrom('account_sessions')
    .where('account_id', '=', accountId)
    .where((eb) =>
      eb.or([
        eb('expires_at', '<=', now.toISOString()),
        eb('last_seen_at', '<=', new Date(now.getTime() - SESSION_IDLE_MS).toISOString()),
      ]),
    )
    .execute();
  await db
    .insertInto('account_sessions')
    .values({
      token_hash: hashToken(token),
      account_id: accountId,
      csrf_token: csrfToken,
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: new Date(now.getTime() + SESSION_ABSOLUTE_MS).toISOString(),
    })
    .execute();
  return { token, csrfToken };
}

/**
 * The live session of this cookie value, or undefined (unknown, idle too long, or past its end).
 * A request by the admin counts as activity; a background check (`touch: false`) does not.
 */
export async function findSession(
  db: Db,
  clock: Clock,
  token: string,
  options: { touch: boolean } = { touch: true },
): Promise<ActiveSession | undefined> {
  const tokenHash = hashToken(token);
  const row = await db
    .selectFrom('account_sessions')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  if (!row) return undefined;
  const now = clock.now();
  const idleSince = now.getTime() - new Date(row.last_seen_at).getTime();
  if (row.expires_at <= now.toISOString() || idleSince >= SESSION_IDLE_MS) {
    await endSession(db, token);
    return undefined;
  }
  if (options.touch && idleSince >= TOUCH_INTERVAL_MS) {
    await db
      .updateTable('account_sessions')
      .set({ last_seen_at: now.toISOString() })
      .where('token_hash', '=', tokenHash)
      .execute();
  }
  return { tokenHash, accountId: row.account_id, csrfToken: row.csrf_token };
}

export async function endSession(db: Db, token: string): Promise<void> {
  await db.deleteFrom('account_sessions').where('token_hash', '=', hashToken(token)).execute();
}
