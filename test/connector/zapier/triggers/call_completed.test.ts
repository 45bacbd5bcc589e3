import { eventExamples } from '../../../../connector/zapier/src/examples';
import {
  CALL_COMPLETED,
  perform,
  performList,
  performSubscribe,
  performUnsubscribe,
} from '../../../../connector/zapier/src/triggers/call_completed';
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
  triggerName: 'call_completed',
  createdAt: '2026-11-20T14:03:11.000Z',
  accountId: 'acc_01JD7X2M6Q8K3V5T9W4Y1Z0ABC',
  callId: 'call_8f2b1c',
  campaignId: CAMPAIGN,
  phoneNumber: '+14155550123',
  customerName: 'Jordan Lee',
  status: 'completed',
  durationSeconds: 184,
  summary: 'Booked a cleaning for Tuesday 10am.',
  transcript: 'Agent: Hi Jordan, this is Acme Dental…',
  recordingUrl: 'https://recordings.atlas.example/call_8f2b1c.mp3',
  completedAt: '2026-11-20T14:06:15.000Z',
};

describe(CALL_COMPLETED, () => {
  it('when a campaign is chosen, then it subscribes to that campaign only', async () => {
    expectSubscribe({
      hookUrl: HOOK_URL,
      triggerName: 'call_completed',
      campaignId: CAMPAIGN,
      provider: 'zapier',
    });
    expect(
      await appTester(performSubscribe, {
        authData,
        targetUrl: HOOK_URL,
        inputData: { campaignId: CAMPAIGN },
      }),
    ).toStrictEqual(subscription('call_completed', CAMPAIGN));
  });

  it('when "All campaigns" is chosen, then it subscribes with *', async () => {
    expectSubscribe({
      hookUrl: HOOK_URL,
      triggerName: 'call_completed',
      campaignId: '*',
      provider: 'zapier',
    });
    await appTester(performSubscribe, { authData, targetUrl: HOOK_URL, inputData: { campaignId: '*' } });
  });

  it('when the campaign is left empty, then it falls back to every campaign', async () => {
    expectSubscribe({
      hookUrl: HOOK_URL,
      triggerName: 'call_completed',
      campaignId: '*',
      provider: 'zapier',
    });
    await appTester(performSubscribe, { authData, targetUrl: HOOK_URL, inputData: { campaignId: '  ' } });
  });

  it('when unsubscribing, then it deletes the subscription by id', async () => {
    expectUnsubscribe();
    expect(await appTester(performUnsubscribe, unsubscribeBundle)).toStrictEqual({});
  });

  it('when a delivery arrives, then the call fields are at the top level', async () => {
    expect(
      await appTester(perform, { authData, cleanedRequest: [eventExamples.call_completed] }),
    ).toStrictEqual([expectedOutput]);
  });

  it('when sampling, then the sample endpoint events get the delivery shape', async () => {
    expectSample('call_completed', [eventExamples.call_completed]);
    expect(await appTester(performList, { authData, inputData: { campaignId: CAMPAIGN } })).toStrictEqual([
      expectedOutput,
    ]);
  });
});
