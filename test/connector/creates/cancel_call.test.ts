import { CANCEL_CALL, perform } from '../../../connector/src/creates/cancel_call';
import { callExamples } from '../../../connector/src/examples';
import {
  appTester,
  atlas,
  authData,
  BASE_URL,
  caught,
  parsedErrorMessage,
  useOfflineAtlas,
} from '../helpers';

useOfflineAtlas();

const CALL = { ...callExamples.queued, status: 'canceled' as const, durationSeconds: 0 };

describe(CANCEL_CALL, () => {
  it('when the call is waiting, then it is canceled and returned with its status link', async () => {
    atlas().post(`/v1/api/calls/${CALL.id}/cancel`).reply(200, CALL);
    expect(await appTester(perform, { authData, inputData: { callId: CALL.id } })).toStrictEqual({
      ...CALL,
      statusUrl: `${BASE_URL}/v1/api/calls/${CALL.id}`,
    });
  });

  it('when the call is already in progress, then the Zap error gives its status', async () => {
    const message = `Call ${CALL.id} is in_progress; only a queued or dispatched call can be canceled.`;
    atlas()
      .post(`/v1/api/calls/${CALL.id}/cancel`)
      .reply(409, {
        statusCode: 409,
        error: 'Conflict',
        message,
        details: [{ field: 'status', message: 'is in_progress' }],
      });
    const error = await caught(appTester(perform, { authData, inputData: { callId: CALL.id } }));
    expect(parsedErrorMessage(error)).toStrictEqual({
      message: `${message} (status: is in_progress)`,
      code: 'Conflict',
      status: 409,
    });
  });
});
