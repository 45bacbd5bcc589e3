import { CALL_CAMPAIGN_LIST, perform } from '../../../../connector/zapier/src/triggers/call_campaign_list';
import { appTester, atlas, authData, useOfflineAtlas } from '../helpers';

useOfflineAtlas();

describe(CALL_CAMPAIGN_LIST, () => {
  it('when listing campaigns for a call, then there is no "All campaigns" choice', async () => {
    atlas()
      .get('/v1/api/campaigns')
      .reply(200, {
        data: [
          { id: 'cmp_1', name: 'Spring recall', status: 'active', createdAt: '2026-01-05T09:00:00.000Z' },
        ],
        nextCursor: null,
      });
    expect(await appTester(perform, { authData })).toStrictEqual([{ id: 'cmp_1', name: 'Spring recall' }]);
  });
});
