import { accountExample } from '../../../../connector/zapier/src/examples';
import { GET_ACCOUNT, perform } from '../../../../connector/zapier/src/searches/get_account';
import { appTester, atlas, authData, caught, useOfflineAtlas } from '../helpers';

useOfflineAtlas();

describe(GET_ACCOUNT, () => {
  it('when asked, then it returns the connected account as the one result', async () => {
    atlas().get('/v1/api/account').reply(200, accountExample);
    expect(await appTester(perform, { authData })).toStrictEqual([accountExample]);
  });

  it('when Atlas fails, then the 5xx surfaces as a response error Zapier may retry', async () => {
    atlas()
      .get('/v1/api/account')
      .reply(503, { statusCode: 503, error: 'Service Unavailable', message: 'Down.' });
    expect((await caught(appTester(perform, { authData }))).name).toBe('ResponseError');
  });
});
