import { eventExamples } from '../../../../connector/zapier/src/examples';
import {
  MINUTES_PURCHASED,
  perform,
  performList,
  performSubscribe,
  performUnsubscribe,
} from '../../../../connector/zapier/src/triggers/minutes_purchased';
import {
  expectSample,
  expectSubscribe,
  expectUnsubscribe,
  subscription,
  unsubscribeBundle,
} from '../hook-trigger-cases';
import { appTester, authData, HOOK_URL, useOfflineAtlas } from '../helpers';

useOfflineAtlas();

const expectedOutput = {
  id: 'evt_01JD7X2M6Q8K3V5T9W4Y1Z0EVT',
  triggerName: 'minutes_purchased',
  createdAt: '2026-11-20T14:03:11.000Z',
  accountId: 'acc_01JD7X2M6Q8K3V5T9W4Y1Z0ABC',
  purchaseId: 'pur_01JD7X2M6Q8K3V5T9W4Y1Z0PUR',
  blocks: 1,
  minutes: 1000,
  amountCents: 9900,
  currency: 'usd',
  livemode: false,
  remainingMinutes: 1087,
};

describe(MINUTES_PURCHASED, () => {
  it('when subscribing, then it asks for every campaign as provider zapier', async () => {
    expectSubscribe({
      hookUrl: HOOK_URL,
      triggerName: 'minutes_purchased',
      campaignId: '*',
      provider: 'zapier',
    });
    expect(await appTester(performSubscribe, { authData, targetUrl: HOOK_URL, inputData: {} })).toStrictEqual(
      subscription('minutes_purchased'),
    );
  });

  it('when unsubscribing, then it deletes the subscription by id', async () => {
    expectUnsubscribe();
    expect(await appTester(performUnsubscribe, unsubscribeBundle)).toStrictEqual({});
  });

  it('when a delivery arrives, then the purchase fields are at the top level', async () => {
    expect(
      await appTester(perform, { authData, cleanedRequest: [eventExamples.minutes_purchased] }),
    ).toStrictEqual([expectedOutput]);
  });

  it('when sampling, then the sample endpoint events get the delivery shape', async () => {
    expectSample('minutes_purchased', [eventExamples.minutes_purchased]);
    expect(await appTester(performList, { authData })).toStrictEqual([expectedOutput]);
  });
});
