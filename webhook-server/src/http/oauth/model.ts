import {
  InvalidGrantError,
  type AuthorizationCode,
  type AuthorizationCodeModel,
  type Client,
  type RefreshToken,
  type RefreshTokenModel,
  type Token,
  type User,
} from '@node-oauth/oauth2-server';
import type { Clock } from '../../domain/clock';
import type { Db } from '../../domain/db';
import { authenticateOAuthClient, findOAuthClient, type OAuthClient } from '../../domain/oauth/clients';
import { consumeCode, createGrant, findGrantByCode, revokeGrant } from '../../domain/oauth/grants';
import { grantableScopes, parseScopeText } from '../../domain/oauth/scopes';
import {
  ACCESS_TOKEN_PREFIX,
  REFRESH_TOKEN_PREFIX,
  findToken,
  markRotated,
  resolveAccessToken,
  saveTokenPair,
} from '../../domain/oauth/tokens';
import {
  RotatedWithinReuseInterval,
  sealSuccessor,
  withinReuseInterval,
} from '../../domain/oauth/refreshReuse';
import { randomToken } from '../../domain/secrets';

export const AUTHORIZATION_CODE_PREFIX = 'atlac_';
const GRANTS = ['authorization_code', 'refresh_token'];

/** What the library carries as "user": the account, and once a code exists, the grant (token family). */
export interface OAuthUser extends User {
  accountId: string;
  grantId?: string;
  /** During a refresh: the refresh token being rotated, whose successor is sealed for it. */
  rotatedFrom?: { tokenId: string; refreshToken: string };
}

function grantIdOf(user: User): string {
  const grantId: unknown = user.grantId;
  if (typeof grantId !== 'string') throw new Error('OAuth user carries no grant id');
  return grantId;
}

const asClient = (client: OAuthClient): Client => ({
  id: client.id,
  name: client.name,
  redirectUris: client.redirectUris,
  grants: GRANTS,
});

/**
 * The library compares expiry dates with the wall clock; the domain decides expiry with its own
 * clock (tests move it). Dates handed to the library keep the remaining lifetime the domain sees.
 */
const onWallClock = (clock: Clock, expiresAt: Date) =>
  new Date(Date.now() + (expiresAt.getTime() - clock.now().getTime()));

/**
 * Storage for @node-oauth/oauth2-server. Besides storing (always hashed), it enforces what the
 * library leaves to the model: a replayed code, or a rotated refresh token presented after the reuse
 * interval, revokes its whole grant.
 */
export function oauthModel(db: Db, clock: Clock): AuthorizationCodeModel & RefreshTokenModel {
  return {
    async getClient(clientId: string, clientSecret: string | null) {
      // The token and revoke routes admit only requests that carry a secret; the authorize page
      // (which has none) only looks the client up.
      const client = clientSecret
        ? await authenticateOAuthClient(db, clientId, clientSecret)
        : await findOAuthClient(db, clientId);
      return client ? asClient(client) : false;
    },

    async validateRedirectUri(redirectUri: string, client: Client) {
      return ([] as string[]).concat(client.redirectUris ?? []).includes(redirectUri);
    },

    async validateScope(_user: User, _client: Client, scope?: string[]) {
      return grantableScopes(scope) ?? false;
    },

    async generateAuthorizationCode() {
      return randomToken(AUTHORIZATION_CODE_PREFIX);
    },
    async generateAccessToken() {
      return randomToken(ACCESS_TOKEN_PREFIX);
    },
    async generateRefreshToken() {
      return randomToken(REFRESH_TOKEN_PREFIX);
    },

    async saveAuthorizationCode(code, client, user) {
      const { accountId } = user as OAuthUser;
      const grant = await createGrant(db, clock, {
        clientId: client.id,
        accountId,
        scope: code.scope ?? [],
        redirectUri: code.redirectUri,
        code: code.authorizationCode,
        codeChallenge: code.codeChallenge,
        codeChallengeMethod: code.codeChallengeMethod,
      });
      return { ...code, client, user: { accountId, grantId: grant.id } };
    },

    async getAuthorizationCode(authorizationCode: string): Promise<AuthorizationCode | false> {
      const grant = await findGrantByCode(db, authorizationCode);
      if (!grant || grant.revoked_at) return false;
      if (grant.code_used_at) {
        await revokeGrant(db, clock, grant.id, 'code_reused');
        return false;
      }
      const expiresAt = new Date(grant.code_expires_at);
      if (expiresAt <= clock.now()) return false;
      return {
        authorizationCode,
        expiresAt: onWallClock(clock, expiresAt),
        redirectUri: grant.redirect_uri,
        scope: parseScopeText(grant.scope),
        client: { id: grant.client_id, grants: GRANTS },
        user: { accountId: grant.account_id, grantId: grant.id },
        ...(grant.code_challenge
          ? {
              codeChallenge: grant.code_challenge,
              codeChallengeMethod: grant.code_challenge_method ?? 'S256',
            }
          : {}),
      };
    },

    async revokeAuthorizationCode(code: AuthorizationCode) {
      const grantId = grantIdOf(code.user);
      if (await consumeCode(db, clock, grantId)) return true;
      // Lost a race with another exchange of the same code: that is a replay too.
      await revokeGrant(db, clock, grantId, 'code_reused');
      return false;
    },

    async saveToken(token: Token, client: Client, user: User) {
      if (!token.refreshToken) throw new Error('Every token response carries a refresh token');
      const scope = token.scope ?? [];
      const { rotatedFrom } = user as OAuthUser;
      const pair = { accessToken: token.accessToken, refreshToken: token.refreshToken, scope };
      const saved = await saveTokenPair(db, clock, {
        grantId: grantIdOf(user),
        ...pair,
        ...(rotatedFrom
          ? {
              rotatedFrom: {
                tokenId: rotatedFrom.tokenId,
                successorSealed: sealSuccessor(rotatedFrom.refreshToken, rotatedFrom.tokenId, pair),
              },
            }
          : {}),
      });
      if (!saved) throw new InvalidGrantError('Invalid grant: this authorization has been revoked');
      return { ...token, client, user };
    },

    async getRefreshToken(refreshToken: string): Promise<RefreshToken | false> {
      const stored = await findToken(db, refreshToken);
      if (!stored || stored.kind !== 'refresh' || stored.revoked) return false;
      if (stored.rotated) {
        if (withinReuseInterval(clock, stored.rotatedAt)) throw new RotatedWithinReuseInterval();
        await revokeGrant(db, clock, stored.grant.id, 'refresh_token_reused');
        return false;
      }
      if (stored.expiresAt <= clock.now()) return false;
      return {
        refreshToken,
        refreshTokenExpiresAt: onWallClock(clock, stored.expiresAt),
        scope: stored.scope,
        client: { id: stored.grant.client_id, grants: GRANTS },
        user: {
          accountId: stored.grant.account_id,
          grantId: stored.grant.id,
          rotatedFrom: { tokenId: stored.id, refreshToken },
        },
        tokenId: stored.id,
      };
    },

    async revokeToken(token: RefreshToken) {
      const tokenId: unknown = token.tokenId;
      if (typeof tokenId !== 'string') throw new Error('Refresh token carries no id');
      if (await markRotated(db, clock, tokenId)) return true;
      // Lost a race with a concurrent refresh of the same token: inside the interval that one's
      // successor is the answer; otherwise it is reuse.
      const now = await findToken(db, token.refreshToken);
      if (now && !now.revoked && withinReuseInterval(clock, now.rotatedAt))
        throw new RotatedWithinReuseInterval();
      await revokeGrant(db, clock, grantIdOf(token.user), 'refresh_token_reused');
      return false;
    },

    async getAccessToken(accessToken: string) {
      const grant = await resolveAccessToken(db, clock, accessToken);
      if (!grant) return false;
      return {
        accessToken,
        scope: grant.scope,
        client: { id: grant.clientId, grants: GRANTS },
        user: { accountId: grant.accountId },
      };
    },
  };
}
