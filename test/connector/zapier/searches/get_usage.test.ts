import { GET_USAGE, perform, sample } from '../../../../connector/zapier/src/searches/get_usage';
import { appTester, atlas, authData, caught, parsedErrorMessage, useOfflineAtlas } from '../helpers';

useOfflineAtlas();

describe(GET_USAGE, () => {
  it('when asked, then it returns this period’s usage as the one result', async () => {
    atlas().get('/v1/api/usage').reply(200, sample);
    expect(await appTester(perform, { authData })).toStrictEqual([sample]);
  });

  it('when Atlas is rate limiting, then Zapier is told to retry after Retry-After seconds', async () => {
    atlas()
      .get('/v1/api/usage')
      .reply(
        429,
        { statusCode: 429, error: 'Too Many Requests', message: 'Slow down.' },
        { 'Retry-After': '30' },
      );
    const error = await caught(appTester(perform, { authData }));
    expect(error.name).toBe('ThrottledError');
    expect(parsedErrorMessage(error)).toStrictEqual({ message: 'Slow down.', delay: 30 });
  });
});
