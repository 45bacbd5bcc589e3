import { eventExamples } from '../../../../connector/zapier/src/examples';
import {
  ACCOUNT_UPDATED,
  perform,
  performList,
  performSubscribe,
  performUnsubscribe,
} from '../../../../connector/zapier/src/triggers/account_updated';
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
  triggerName: 'account_updated',
  createdAt: '2026-11-20T14:03:11.000Z',
  accountId: 'acc_01JD7X2M6Q8K3V5T9W4Y1Z0ABC',
  companyName: 'Acme Dental',
  adminName: 'Dana Reyes',
  adminEmail: 'dana@acme-dental.example',
  profilePictureUrl: null,
  planId: 'pro',
  planName: 'Pro',
  accountCreatedAt: '2026-01-05T09:00:00.000Z',
  updatedAt: '2026-11-20T14:03:11.000Z',
  changedFields: ['companyName'],
};

describe(ACCOUNT_UPDATED, () => {
  it('when subscribing, then it asks for every campaign as provider zapier', async () => {
    expectSubscribe({
      hookUrl: HOOK_URL,
      triggerName: 'account_updated',
      campaignId: '*',
      provider: 'zapier',
    });
    expect(await appTester(performSubscribe, { authData, targetUrl: HOOK_URL, inputData: {} })).toStrictEqual(
      subscription('account_updated'),
    );
  });

  it('when unsubscribing, then it deletes the subscription by id', async () => {
    expectUnsubscribe();
    expect(await appTester(performUnsubscribe, unsubscribeBundle)).toStrictEqual({});
  });

  it('when a delivery arrives, then the account is lifted up and the event time is kept', async () => {
    expect(
      await appTester(perform, { authData, cleanedRequest: [eventExamples.account_updated] }),
    ).toStrictEqual([expectedOutput]);
  });

  it('when sampling, then the sample endpoint events get the delivery shape', async () => {
    expectSample('account_updated', [eventExamples.account_updated]);
    expect(await appTester(performList, { authData })).toStrictEqual([expectedOutput]);
  });
});
