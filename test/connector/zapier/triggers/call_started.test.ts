import { eventExamples } from '../../../../connector/zapier/src/examples';
import {
  CALL_STARTED,
  perform,
  performList,
  performSubscribe,
  performUnsubscribe,
} from '../../../../connector/zapier/src/triggers/call_started';
import {
  expectSample,
  expectSubscribe,
  expectUnsubscribe,
  subscription,
  unsubscribeBundle,
} from '../hook-trigger-cases';
import { appTester, authData, HOOK_URL, useOfflineAtlas } from '../helpers';

useOfflineAtlas();

const CAMPAIGN = 'cmp_01JD7X2M6Q8K3V5T9W4Y1Z0CMP';

const expectedOutput = {
  id: 'evt_01JD7X2M6Q8K3V5T9W4Y1Z0EVT',
  triggerName: 'call_started',
  createdAt: '2026-11-20T14:03:11.000Z',
  accountId: 'acc_01JD7X2M6Q8K3V5T9W4Y1Z0ABC',
  callId: 'call_8f2b1c',
  campaignId: CAMPAIGN,
  phoneNumber: '+14155550123',
  customerName: 'Jordan Lee',
  startedAt: '2026-11-20T14:03:11.000Z',
};

describe(CALL_STARTED, () => {
  it('when a campaign is chosen, then it subscribes to that campaign only', async () => {
    expectSubscribe({
      hookUrl: HOOK_URL,
      triggerName: 'call_started',
      campaignId: CAMPAIGN,
      provider: 'zapier',
    });
    expect(
      await appTester(performSubscribe, {
        authData,
        targetUrl: HOOK_URL,
        inputData: { campaignId: CAMPAIGN },
      }),
    ).toStrictEqual(subscription('call_started', CAMPAIGN));
  });

  it('when "All campaigns" is chosen, then it subscribes with *', async () => {
    expectSubscribe({ hookUrl: HOOK_URL, triggerName: 'call_started', campaignId: '*', provider: 'zapier' });
    await appTester(performSubscribe, { authData, targetUrl: HOOK_URL, inputData: { campaignId: '*' } });
  });

  it('when unsubscribing, then it deletes the subscription by id', async () => {
    expectUnsubscribe();
    expect(await appTester(performUnsubscribe, unsubscribeBundle)).toStrictEqual({});
  });

  it('when a delivery holds two events, then both come out in order', async () => {
    const second = { ...eventExamples.call_started, id: 'evt_second' };
    expect(
      await appTester(perform, { authData, cleanedRequest: [eventExamples.call_started, second] }),
    ).toStrictEqual([expectedOutput, { ...expectedOutput, id: 'evt_second' }]);
  });

  it('when sampling, then the sample endpoint events get the delivery shape', async () => {
    expectSample('call_started', [eventExamples.call_started]);
    expect(await appTester(performList, { authData })).toStrictEqual([expectedOutput]);
  });
});
