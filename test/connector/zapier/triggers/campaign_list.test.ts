import { CAMPAIGN_LIST, perform } from '../../../../connector/zapier/src/triggers/campaign_list';
import { appTester, atlas, authData, useOfflineAtlas } from '../helpers';

useOfflineAtlas();

const campaign = (id: string, name: string, status = 'active') => ({
  id,
  name,
  status,
  createdAt: '2026-01-05T09:00:00.000Z',
});

describe(CAMPAIGN_LIST, () => {
  it('when the account has campaigns on two pages, then "All campaigns" comes first and every page is read', async () => {
    atlas()
      .get('/v1/api/campaigns')
      .reply(200, { data: [campaign('cmp_1', 'Spring recall')], nextCursor: 'c2' });
    atlas()
      .get('/v1/api/campaigns')
      .query({ cursor: 'c2' })
      .reply(200, { data: [campaign('cmp_2', 'Old leads', 'paused')], nextCursor: null });
    expect(await appTester(perform, { authData })).toStrictEqual([
      { id: '*', name: 'All campaigns' },
      { id: 'cmp_1', name: 'Spring recall' },
      { id: 'cmp_2', name: 'Old leads (paused)' },
    ]);
  });
});
