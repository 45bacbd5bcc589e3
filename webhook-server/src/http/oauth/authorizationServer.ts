import OAuth2Server from '@node-oauth/oauth2-server';
import type { Clock } from '../../domain/clock';
import type { Db } from '../../domain/db';
import {
  ACCESS_TOKEN_LIFETIME_SECONDS,
  AUTHORIZATION_CODE_LIFETIME_SECONDS,
  REFRESH_TOKEN_LIFETIME_SECONDS,
} from '../../domain/oauth/scopes';
import { oauthModel } from './model';

export function createOAuthServer(db: Db, clock: Clock): OAuth2Server {
  return new OAuth2Server({
    model: oauthModel(db, clock),
    accessTokenLifetime: ACCESS_TOKEN_LIFETIME_SECONDS,
    refreshTokenLifetime: REFRESH_TOKEN_LIFETIME_SECONDS,
    authorizationCodeLifetime: AUTHORIZATION_CODE_LIFETIME_SECONDS,
    alwaysIssueNewRefreshToken: true,
    allowEmptyState: true,
    allowBearerTokensInQueryString: false,
  });
}
