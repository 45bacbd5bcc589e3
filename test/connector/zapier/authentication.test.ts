import nock from 'nock';
import {
  authorizeUrl,
  getAccessToken,
  OAUTH_SCOPE,
  refreshAccessToken,
  testAuth,
} from '../../../connector/zapier/src/authentication';
import App from '../../../connector/zapier/src/index';
import { appTester, atlas, authData, BASE_URL, caught, parsedErrorMessage, useOfflineAtlas } from './helpers';

useOfflineAtlas();

const tokenForm = (fields: Record<string, string>) =>
  new URLSearchParams({ ...fields, client_id: 'zapier-client', client_secret: 'zapier-secret' }).toString();

const tokens = {
  access_token: 'at_new',
  token_type: 'Bearer',
  expires_in: 36000,
  refresh_token: 'rt_new',
  scope: OAUTH_SCOPE,
};

describe('OAuth2 authentication', () => {
  it('when Zapier starts the sign-in, then the authorize URL carries client, redirect, state and scopes', async () => {
    const url = new URL(
      await appTester(authorizeUrl, {
        inputData: {
          redirect_uri: 'https://zapier.com/dashboard/auth/oauth/return/App123CLIAPI/',
          state: 's1',
        },
      }),
    );
    expect(`${url.origin}${url.pathname}`).toBe(`${BASE_URL}/oauth/authorize`);
    expect(Object.fromEntries(url.searchParams)).toStrictEqual({
      response_type: 'code',
      client_id: 'zapier-client',
      redirect_uri: 'https://zapier.com/dashboard/auth/oauth/return/App123CLIAPI/',
      state: 's1',
      scope: 'openid profile email offline_access',
    });
  });

  it('when the code comes back, then it is exchanged with a form post and no bearer header', async () => {
    nock(BASE_URL, { badheaders: ['authorization'] })
      .post(
        '/oauth/token',
        tokenForm({
          grant_type: 'authorization_code',
          code: 'c1',
          redirect_uri: 'https://zapier.test/return',
        }),
      )
      .matchHeader('content-type', /application\/x-www-form-urlencoded/)
      .reply(200, tokens);
    const result = await appTester(getAccessToken, {
      inputData: { code: 'c1', redirect_uri: 'https://zapier.test/return' },
    });
    expect(result).toStrictEqual({ access_token: 'at_new', refresh_token: 'rt_new' });
  });

  it('when the code is refused, then the RFC 6749 description is shown', async () => {
    nock(BASE_URL)
      .post('/oauth/token')
      .reply(400, { error: 'invalid_grant', error_description: 'The code has expired or was already used.' });
    const error = await caught(appTester(getAccessToken, { inputData: { code: 'old', redirect_uri: 'x' } }));
    expect(parsedErrorMessage(error).message).toBe(
      'Atlas did not accept the sign-in: The code has expired or was already used.',
    );
  });

  it.each([
    ['exchanging a code', getAccessToken, { inputData: { code: 'c1', redirect_uri: 'x' } }],
    ['refreshing', refreshAccessToken, { authData }],
  ])(
    'when Atlas refuses the app’s own client credentials while %s, then the message says to check them',
    async (_what, fn, bundle) => {
      nock(BASE_URL).post('/oauth/token').reply(401, {
        error: 'invalid_client',
        error_description: 'Invalid client: client_id or client_secret is wrong.',
      });
      const error = await caught(appTester(fn, bundle));
      expect(error.name).not.toBe('RefreshAuthError');
      expect(parsedErrorMessage(error).message).toBe(
        'Atlas refused this Zapier app’s client credentials (invalid_client). Check CLIENT_ID and CLIENT_SECRET (zapier-platform env:set).',
      );
    },
  );

  it('when refreshing, then the refresh token is exchanged for a new pair', async () => {
    nock(BASE_URL)
      .post('/oauth/token', tokenForm({ grant_type: 'refresh_token', refresh_token: 'rt_test_refresh' }))
      .reply(200, tokens);
    expect(await appTester(refreshAccessToken, { authData })).toStrictEqual({
      access_token: 'at_new',
      refresh_token: 'rt_new',
    });
  });

  it('when the refresh token is dead, then the user is asked to reconnect', async () => {
    nock(BASE_URL)
      .post('/oauth/token')
      .reply(400, { error: 'invalid_grant', error_description: 'The refresh token has been revoked.' });
    const error = await caught(appTester(refreshAccessToken, { authData }));
    expect(error.name).toBe('ExpiredAuthError');
    expect(error.message).toContain(
      'Your Atlas connection has expired (The refresh token has been revoked.). Reconnect your Atlas account.',
    );
  });

  it('when the connection is tested, then userinfo feeds a label of company and admin email', async () => {
    const userinfo = {
      sub: 'usr_1',
      email: 'dana@acme-dental.example',
      name: 'Dana Reyes',
      accountId: 'acc_01JD7X2M6Q8K3V5T9W4Y1Z0ABC',
      companyName: 'Acme Dental',
      planId: 'pro',
    };
    atlas().get('/oauth/userinfo').reply(200, userinfo);
    expect(await appTester(testAuth, { authData })).toStrictEqual(userinfo);
    expect(App.authentication?.connectionLabel).toBe('{{companyName}} ({{email}})');
    expect(App.authentication?.oauth2Config?.autoRefresh).toBe(true);
  });
});
