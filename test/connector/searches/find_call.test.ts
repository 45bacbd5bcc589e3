import { callExamples } from '../../../connector/src/examples';
import { FIND_CALL, perform } from '../../../connector/src/searches/find_call';
import { appTester, atlas, authData, BASE_URL, caught, useOfflineAtlas } from '../helpers';

useOfflineAtlas();

const CALL = callExamples.completed;

describe(FIND_CALL, () => {
  it('when the call exists, then it is the one result, with its outcome and a status link', async () => {
    atlas().get(`/v1/api/calls/${CALL.id}`).reply(200, CALL);
    expect(await appTester(perform, { authData, inputData: { callId: ` ${CALL.id} ` } })).toStrictEqual([
      { ...CALL, statusUrl: `${BASE_URL}/v1/api/calls/${CALL.id}` },
    ]);
  });

  it('when no call has that id in the account, then there is no result (not an error)', async () => {
    atlas()
      .get('/v1/api/calls/call_missing')
      .reply(404, { statusCode: 404, error: 'Not Found', message: 'No call call_missing in this account.' });
    expect(await appTester(perform, { authData, inputData: { callId: 'call_missing' } })).toStrictEqual([]);
  });

  it('when the access token is refused, then Zapier is asked to refresh it', async () => {
    atlas()
      .get('/v1/api/calls/call_x')
      .reply(401, { statusCode: 401, error: 'Unauthorized', message: 'No.' });
    expect((await caught(appTester(perform, { authData, inputData: { callId: 'call_x' } }))).name).toBe(
      'RefreshAuthError',
    );
  });
});
