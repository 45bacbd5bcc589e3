import nock from 'nock';
import { retryAfterSeconds } from '../../../connector/zapier/src/middleware';
import { appTester, atlas, authData, BASE_URL, caught, parsedErrorMessage, useOfflineAtlas } from './helpers';
import zapier, { type ZObject } from 'zapier-platform-core';
import App from '../../../connector/zapier/src/index';
import { perform as getUsage } from '../../../connector/zapier/src/searches/get_usage';

useOfflineAtlas();

describe('request and error middleware', () => {
  it('when the base URL has a trailing slash, then paths still join cleanly', async () => {
    process.env.ATLAS_BASE_URL = `${BASE_URL}/`;
    atlas().get('/v1/api/usage').reply(200, {});
    await appTester(getUsage, { authData });
  });

  it('when ATLAS_BASE_URL is missing, then the error says how to set it', async () => {
    delete process.env.ATLAS_BASE_URL;
    const error = await caught(appTester(getUsage, { authData }));
    expect(error.message).toContain('ATLAS_BASE_URL is not set');
  });

  it('when a request goes to another host, then the bearer token is not sent', async () => {
    nock('https://elsewhere.test', { badheaders: ['authorization'] })
      .get('/file')
      .reply(200, { ok: true });
    const fetchElsewhere = async (z: ZObject) => [
      (await z.request({ url: 'https://elsewhere.test/file' })).data,
    ];
    const probe = {
      ...App.searches.get_usage,
      operation: { ...App.searches.get_usage.operation, perform: fetchElsewhere },
    };
    const tester = zapier.createAppTester({ ...App, searches: { ...App.searches, get_usage: probe } });
    expect(await tester(fetchElsewhere, { authData })).toStrictEqual([{ ok: true }]);
  });

  it('when 429 carries an HTTP date, then the delay is the seconds until then', () => {
    const now = new Date('2026-11-20T10:00:00Z');
    expect(retryAfterSeconds('Fri, 20 Nov 2026 10:01:30 GMT', now)).toBe(90);
    expect(retryAfterSeconds('12', now)).toBe(12);
    expect(retryAfterSeconds(undefined, now)).toBe(60);
    expect(retryAfterSeconds('soon', now)).toBe(60);
  });

  it('when an error body is not JSON, then the status is still explained', async () => {
    atlas().get('/v1/api/usage').reply(409, 'conflict');
    const error = await caught(appTester(getUsage, { authData }));
    expect(parsedErrorMessage(error)).toStrictEqual({
      message: 'Atlas answered HTTP 409 without an explanation.',
      code: '409',
      status: 409,
    });
  });
});
