import { eventExamples } from '../../../connector/src/examples';
import {
  MESSAGE_SENT,
  perform,
  performList,
  performSubscribe,
  performUnsubscribe,
} from '../../../connector/src/triggers/message_sent';
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
  triggerName: 'message_sent',
  createdAt: '2026-11-20T14:03:11.000Z',
  accountId: 'acc_01JD7X2M6Q8K3V5T9W4Y1Z0ABC',
  messageId: 'msg_51a8',
  campaignId: CAMPAIGN,
  phoneNumber: '+14155550123',
  customerName: 'Jordan Lee',
  channel: 'sms',
  body: 'Your cleaning is booked for Tuesday 10am.',
  occurredAt: '2026-11-20T14:07:00.000Z',
};

describe(MESSAGE_SENT, () => {
  it('when a campaign is chosen, then it subscribes to that campaign only', async () => {
    expectSubscribe({
      hookUrl: HOOK_URL,
      triggerName: 'message_sent',
      campaignId: CAMPAIGN,
      provider: 'zapier',
    });
    expect(
      await appTester(performSubscribe, {
        authData,
        targetUrl: HOOK_URL,
        inputData: { campaignId: CAMPAIGN },
      }),
    ).toStrictEqual(subscription('message_sent', CAMPAIGN));
  });

  it('when no campaign is chosen, then it subscribes to every campaign with *', async () => {
    expectSubscribe({ hookUrl: HOOK_URL, triggerName: 'message_sent', campaignId: '*', provider: 'zapier' });
    await appTester(performSubscribe, { authData, targetUrl: HOOK_URL, inputData: { campaignId: ' ' } });
  });

  it('when unsubscribing, then it deletes the subscription by id', async () => {
    expectUnsubscribe();
    expect(await appTester(performUnsubscribe, unsubscribeBundle)).toStrictEqual({});
  });

  it('when a delivery arrives, then each message event comes out flat and other events are dropped', async () => {
    const other = { ...eventExamples.call_started, id: 'evt_other' };
    expect(
      await appTester(perform, { authData, cleanedRequest: [eventExamples.message_sent, other] }),
    ).toStrictEqual([expectedOutput]);
  });

  it('when sampling, then the sample endpoint events get the delivery shape', async () => {
    expectSample('message_sent', [eventExamples.message_sent]);
    expect(await appTester(performList, { authData })).toStrictEqual([expectedOutput]);
  });
});
