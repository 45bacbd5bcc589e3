/* global URL, URLSearchParams, fetch */
/*
 * A strict OAuth 2 client (oauth4webapi) connecting to atlas-connect the way a careful integration
 * would: it finds the endpoints by RFC 8414 discovery, runs the code flow with PKCE (checking
 * state and the RFC 9207 iss), then refreshes. The admin's sign-in form is filled like a browser
 * would. Run by test/webhook-server/http/oauth/strictClient.test.ts in a child process, because
 * oauth4webapi is an ES module; prints one JSON line with the tokens it ended with.
 */
import * as oauth from 'oauth4webapi';

const { ISSUER, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, ADMIN_EMAIL, ADMIN_PASSWORD } = process.env;
const insecure = { [oauth.allowInsecureRequests]: true }; // the test server listens on plain http

const issuer = new URL(ISSUER);
const as = await oauth.processDiscoveryResponse(
  issuer,
  await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }),
);
const client = { client_id: CLIENT_ID };
const clientAuth = oauth.ClientSecretBasic(CLIENT_SECRET);

const codeVerifier = oauth.generateRandomCodeVerifier();
const state = oauth.generateRandomState();
const authorizationUrl = new URL(as.authorization_endpoint);
authorizationUrl.search = new URLSearchParams({
  response_type: 'code',
  client_id: CLIENT_ID,
  redirect_uri: REDIRECT_URI,
  scope: 'openid profile email offline_access',
  state,
  code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
  code_challenge_method: 'S256',
}).toString();

// The browser's part: open the page, keep its cookie, post the form with the admin's credentials.
const page = await fetch(authorizationUrl);
const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0];
const html = await page.text();
const fields = Object.fromEntries(
  [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [
    m[1],
    m[2].replace(/&#(\d+);/g, (_all, code) => String.fromCharCode(Number(code))),
  ]),
);
const submitted = await fetch(new URL('/oauth/authorize', issuer), {
  method: 'POST',
  redirect: 'manual',
  headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
  body: new URLSearchParams({ ...fields, email: ADMIN_EMAIL, password: ADMIN_PASSWORD, decision: 'allow' }),
});
const callback = new URL(submitted.headers.get('location'));

const params = oauth.validateAuthResponse(as, client, callback, state);
const tokens = await oauth.processAuthorizationCodeResponse(
  as,
  client,
  await oauth.authorizationCodeGrantRequest(
    as,
    client,
    clientAuth,
    params,
    REDIRECT_URI,
    codeVerifier,
    insecure,
  ),
);
const refreshed = await oauth.processRefreshTokenResponse(
  as,
  client,
  await oauth.refreshTokenGrantRequest(as, client, clientAuth, tokens.refresh_token, insecure),
);
const userInfo = await oauth.processUserInfoResponse(
  as,
  client,
  oauth.skipSubjectCheck,
  await oauth.userInfoRequest(as, client, refreshed.access_token, insecure),
);
console.log(
  JSON.stringify({
    iss: callback.searchParams.get('iss'),
    first: tokens,
    refreshed,
    userInfo,
  }),
);
