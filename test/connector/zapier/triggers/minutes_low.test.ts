import { eventExamples } from '../../../../connector/zapier/src/examples';
import {
  MINUTES_LOW,
  perform,
  performList,
  performSubscribe,
  performUnsubscribe,
} from '../../../../connector/zapier/src/triggers/minutes_low';
import {
  expectSample,
  expectSubscribe,
  expectUnsubscribe,
  subscription,
  unsubscribeBundle,
} from '../hook-trigger-cases';
import { appTester, authData, caught, HOOK_URL, parsedErrorMessage, useOfflineAtlas } from '../helpers';

useOfflineAtlas();

const expectedOutput = {
  id: 'evt_01JD7X2M6Q8K3V5T9W4Y1Z0EVT',
  triggerName: 'minutes_low',
  createdAt: '2026-11-20T14:03:11.000Z',
  accountId: 'acc_01JD7X2M6Q8K3V5T9W4Y1Z0ABC',
  remainingMinutes: 87,
  thresholdMinutes: 100,
  includedMinutes: 1000,
  extraMinutes: 0,
  usedMinutes: 913,
  percentUsed: 91.3,
  periodEnd: '2026-12-01T00:00:00.000Z',
};

describe(MINUTES_LOW, () => {
  it('when a threshold is given, then it subscribes with it for every campaign', async () => {
    expectSubscribe({
      hookUrl: HOOK_URL,
      triggerName: 'minutes_low',
      campaignId: '*',
      provider: 'zapier',
      thresholdMinutes: 150,
    });
    const result = await appTester(performSubscribe, {
      authData,
      targetUrl: HOOK_URL,
      inputData: { thresholdMinutes: 150 },
    });
    expect(result).toStrictEqual(subscription('minutes_low', '*', 150));
  });

  it('when no threshold is given, then the server default applies (no thresholdMinutes sent)', async () => {
    expectSubscribe({ hookUrl: HOOK_URL, triggerName: 'minutes_low', campaignId: '*', provider: 'zapier' });
    await appTester(performSubscribe, { authData, targetUrl: HOOK_URL, inputData: {} });
  });

  it('when the threshold is not a whole number, then it says so without calling Atlas', async () => {
    const error = await caught(
      appTester(performSubscribe, { authData, targetUrl: HOOK_URL, inputData: { thresholdMinutes: 'lots' } }),
    );
    expect(parsedErrorMessage(error).message).toBe(
      'Alert Threshold must be a whole number of minutes, 0 or more (got "lots").',
    );
  });

  it('when unsubscribing, then it deletes the subscription by id', async () => {
    expectUnsubscribe();
    expect(await appTester(performUnsubscribe, unsubscribeBundle)).toStrictEqual({});
  });

  it('when a delivery arrives, then each event becomes one flat output with the event id', async () => {
    const outputs = await appTester(perform, { authData, cleanedRequest: [eventExamples.minutes_low] });
    expect(outputs).toStrictEqual([expectedOutput]);
  });

  it('when sampling, then the sample endpoint events get the same shape as deliveries', async () => {
    expectSample('minutes_low', [eventExamples.minutes_low]);
    expect(await appTester(performList, { authData })).toStrictEqual([expectedOutput]);
  });
});
