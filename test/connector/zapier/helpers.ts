import nock from 'nock';
import zapier from 'zapier-platform-core';
import App from '../../../connector/zapier/src/index';

export const BASE_URL = 'https://atlas.test';
export const ACCESS_TOKEN = 'at_test_access';
export const REFRESH_TOKEN = 'rt_test_refresh';
export const HOOK_URL = 'https://hooks.zapier.com/hooks/standard/1/abc/';

export const appTester = zapier.createAppTester(App);

export const authData = { access_token: ACCESS_TOKEN, refresh_token: REFRESH_TOKEN };

/** nock scope for the Atlas API that insists on the bearer token. */
export function atlas(): nock.Scope {
  return nock(BASE_URL, { reqheaders: { authorization: `Bearer ${ACCESS_TOKEN}` } });
}

export function useOfflineAtlas(): void {
  const saved = { ...process.env };
  // Each test file loads its own nock while http stays patched per worker: activate and restore
  // around the file so one file's interceptor never shadows the next one's.
  beforeAll(() => {
    if (!nock.isActive()) nock.activate();
    nock.disableNetConnect();
  });
  afterAll(() => {
    nock.enableNetConnect();
    nock.restore();
  });
  beforeEach(() => {
    process.env.ATLAS_BASE_URL = BASE_URL;
    process.env.CLIENT_ID = 'zapier-client';
    process.env.CLIENT_SECRET = 'zapier-secret';
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    process.env = { ...saved };
    expect(pending).toStrictEqual([]);
  });
}

// Kept in a nock-free module so end-to-end tests can use them without loading (and activating) nock.
export { caught, parsedErrorMessage } from '../../support/zapierErrors';
