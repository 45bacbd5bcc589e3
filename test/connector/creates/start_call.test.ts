import { perform, START_CALL } from '../../../connector/src/creates/start_call';
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

const CAMPAIGN = 'cmp_01JD7X2M6Q8K3V5T9W4Y1Z0CMP';
const CALL = callExamples.queued;

describe(START_CALL, () => {
  it('when all fields are given, then the call is created and returned with a link to its status', async () => {
    atlas()
      .post('/v1/api/calls', {
        campaignId: CAMPAIGN,
        phoneNumber: '+14155550123',
        customerName: 'Jordan Lee',
        parameters: { appointment_time: 'Tuesday 10am' },
      })
      .matchHeader('idempotency-key', /^zapier-start_call-[0-9a-f]{40}$/)
      .reply(201, CALL);
    const result = await appTester(perform, {
      authData,
      inputData: {
        campaignId: CAMPAIGN,
        phoneNumber: '+1 (415) 555-0123',
        customerName: ' Jordan Lee ',
        parameters: { appointment_time: 'Tuesday 10am' },
      },
    });
    expect(result).toStrictEqual({ ...CALL, statusUrl: `${BASE_URL}/v1/api/calls/${CALL.id}` });
  });

  it('when optional fields are empty, then they are left out', async () => {
    atlas()
      .post('/v1/api/calls', { campaignId: CAMPAIGN, phoneNumber: '+14155550123' })
      .reply(201, { ...CALL, customerName: null, parameters: {} });
    await appTester(perform, { authData, inputData: { campaignId: CAMPAIGN, phoneNumber: '+14155550123' } });
  });

  it('when no call time is left, then the 402 message reads in the Zap history', async () => {
    atlas().post('/v1/api/calls').reply(402, {
      statusCode: 402,
      error: 'Payment Required',
      message: 'No call time left this period. Buy extra minutes or upgrade your plan.',
    });
    const error = await caught(
      appTester(perform, { authData, inputData: { campaignId: CAMPAIGN, phoneNumber: '+14155550123' } }),
    );
    expect(error.name).toBe('AppError');
    expect(parsedErrorMessage(error)).toStrictEqual({
      message: 'No call time left this period. Buy extra minutes or upgrade your plan.',
      code: 'Payment Required',
      status: 402,
    });
  });

  it('when the phone number is invalid, then the per-field details are shown', async () => {
    atlas()
      .post('/v1/api/calls')
      .reply(400, {
        statusCode: 400,
        error: 'Bad Request',
        message: 'The request is invalid.',
        details: [{ field: 'phoneNumber', message: 'must be E.164, e.g. +14155550123' }],
      });
    const error = await caught(
      appTester(perform, { authData, inputData: { campaignId: CAMPAIGN, phoneNumber: '555' } }),
    );
    expect(parsedErrorMessage(error).message).toBe(
      'The request is invalid. (phoneNumber: must be E.164, e.g. +14155550123)',
    );
  });

  it('when the same key is still in progress, then Zapier is told to retry later with it', async () => {
    const message =
      'A request with this Idempotency-Key is still in progress. Retry in a moment with the same key to get its answer.';
    atlas()
      .post('/v1/api/calls')
      .reply(409, { statusCode: 409, error: 'Conflict', message }, { 'Retry-After': '1' });
    const error = await caught(
      appTester(perform, { authData, inputData: { campaignId: CAMPAIGN, phoneNumber: '+14155550123' } }),
    );
    expect(error.name).toBe('ThrottledError');
    expect(parsedErrorMessage(error)).toStrictEqual({ message, delay: 1 });
  });
});
