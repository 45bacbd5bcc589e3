import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
import type { Db } from '../db';
import { findToken } from './tokens';

/**
 * How long a rotated refresh token may be presented again and get the same successor, as Auth0's
 * and Okta's rotation allow: integrations that refresh from several workers at once all get the
 * winner's tokens instead of revoking them. After it, presenting the token again is reuse and
 * revokes its whole grant.
 */
export const REFRESH_REUSE_INTERVAL_SECONDS = 30;

/** The tokens a refresh issued, as the token response carries them. */
export interface SuccessorPair {
  accessToken: string;
  refreshToken: string;
  scope: string[];
}

/** Thrown by the token model when a just-rotated refresh token is presented inside the interval. */
export class RotatedWithinReuseInterval extends Error {
  constructor() {
    super('refresh token presented again within the reuse interval');
    this.name = 'RotatedWithinReuseInterval';
  }
}

// The key comes from the presented token (256 random bits), so only its holder can open the seal.
const keyOf = (refreshToken: string, tokenId: string) =>
  Buffer.from(hkdfSync('sha256', refreshToken, tokenId, 'atlas-connect refresh successor', 32));

export function sealSuccessor(refreshToken: string, tokenId: string, pair: SuccessorPair): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(refreshToken, tokenId), iv);
  const sealed = Buffer.concat([cipher.update(JSON.stringify(pair), 'utf8'), cipher.final()]);
  return [iv, sealed, cipher.getAuthTag()].map((part) => part.toString('base64url')).join('.');
}

function openSuccessor(refreshToken: string, tokenId: string, sealed: string): SuccessorPair | undefined {
  const [iv, data, tag] = sealed.split('.').map((part) => Buffer.from(part, 'base64url'));
  if (!iv || !data || !tag) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyOf(refreshToken, tokenId), iv);
    decipher.setAuthTag(tag);
    return JSON.parse(Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8'));
  } catch {
    return undefined;
  }
}

/** True when the token was rotated no longer than the interval ago. */
export function withinReuseInterval(clock: Clock, rotatedAt: string | null): boolean {
  if (!rotatedAt) return false;
  return clock.now().getTime() - new Date(rotatedAt).getTime() <= REFRESH_REUSE_INTERVAL_SECONDS * 1000;
}

const SEAL_WAIT_MS = 3000;
const SEAL_POLL_MS = 25;

/**
 * The successor a just-rotated refresh token of this client was exchanged for, while the interval
 * runs and the successor is still live (not itself rotated or revoked). A concurrent refresh may
 * ask before the winner has stored it, so this waits a moment for the seal. Undefined otherwise.
 */
export async function successorWithinInterval(
  db: Db,
  clock: Clock,
  clientId: string,
  refreshToken: string,
): Promise<SuccessorPair | undefined> {
  const deadline = Date.now() + SEAL_WAIT_MS;
  for (;;) {
    const stored = await findToken(db, refreshToken);
    if (!stored || stored.kind !== 'refresh' || stored.grant.client_id !== clientId || stored.revoked)
      return undefined;
    if (!withinReuseInterval(clock, stored.rotatedAt)) return undefined;
    if (stored.successorSealed) {
      const pair = openSuccessor(refreshToken, stored.id, stored.successorSealed);
      const successor = pair && (await findToken(db, pair.refreshToken));
      return successor && !successor.rotated && !successor.revoked ? pair : undefined;
    }
    if (Date.now() > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, SEAL_POLL_MS));
  }
}
