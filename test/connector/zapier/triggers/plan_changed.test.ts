import { eventExamples } from '../../../../connector/zapier/src/examples';
import {
  PLAN_CHANGED,
  perform,
  performList,
  performSubscribe,
  performUnsubscribe,
} from '../../../../connector/zapier/src/triggers/plan_changed';
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
  triggerName: 'plan_changed',
  createdAt: '2026-11-20T14:03:11.000Z',
  accountId: 'acc_01JD7X2M6Q8K3V5T9W4Y1Z0ABC',
  previousPlanId: 'starter',
  previousPlanName: 'Starter',
  planId: 'pro',
  planName: 'Pro',
  direction: 'upgrade',
  effectiveAt: '2026-11-20T14:03:11.000Z',
};

describe(PLAN_CHANGED, () => {
  it('when subscribing, then it asks for every campaign as provider zapier', async () => {
    expectSubscribe({ hookUrl: HOOK_URL, triggerName: 'plan_changed', campaignId: '*', provider: 'zapier' });
    expect(await appTester(performSubscribe, { authData, targetUrl: HOOK_URL, inputData: {} })).toStrictEqual(
      subscription('plan_changed'),
    );
  });

  it('when unsubscribing, then it deletes the subscription by id', async () => {
    expectUnsubscribe();
    expect(await appTester(performUnsubscribe, unsubscribeBundle)).toStrictEqual({});
  });

  it('when a delivery arrives, then the previous and new plan are flattened', async () => {
    expect(
      await appTester(perform, { authData, cleanedRequest: [eventExamples.plan_changed] }),
    ).toStrictEqual([expectedOutput]);
  });

  it('when a delivery holds another event type, then it is ignored', async () => {
    expect(await appTester(perform, { authData, cleanedRequest: [eventExamples.minutes_low] })).toStrictEqual(
      [],
    );
  });

  it('when sampling, then the newest events come back in delivery shape', async () => {
    const older = { ...eventExamples.plan_changed, id: 'evt_older' };
    expectSample('plan_changed', [eventExamples.plan_changed, older]);
    expect(await appTester(performList, { authData })).toStrictEqual([
      expectedOutput,
      { ...expectedOutput, id: 'evt_older' },
    ]);
  });
});
