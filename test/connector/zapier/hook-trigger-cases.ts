import { atlas, authData, HOOK_URL } from './helpers';

export const subscription = (
  triggerName: string,
  campaignId = '*',
  thresholdMinutes: number | null = null,
) => ({
  id: 'sub_01JD7X2M6Q8K3V5T9W4Y1Z0SUB',
  hookUrl: HOOK_URL,
  triggerName,
  campaignId,
  provider: 'zapier',
  thresholdMinutes,
  secret: 'whsec_dGVzdHNlY3JldA==',
  createdAt: '2026-11-20T14:03:11.000Z',
});

/** Expects exactly one subscribe call with this body and answers with a subscription. */
// A type literal, not an interface: nock's body matcher wants an index signature.
export type SubscribeBody = {
  hookUrl: string;
  triggerName: string;
  campaignId: string;
  provider: string;
  thresholdMinutes?: number;
};

export function expectSubscribe(body: SubscribeBody) {
  return atlas()
    .post('/v1/api/events-gateway/trigger/subscribe', body)
    .reply(201, subscription(body.triggerName, body.campaignId, body.thresholdMinutes ?? null));
}

export function expectUnsubscribe() {
  return atlas()
    .delete('/v1/api/events-gateway/trigger/unsubscribe', { id: 'sub_01JD7X2M6Q8K3V5T9W4Y1Z0SUB' })
    .reply(200, {});
}

export function expectSample(triggerName: string, events: unknown[]) {
  return atlas().get('/v1/api/events-gateway/trigger/sample').query({ triggerName }).reply(200, events);
}

export const unsubscribeBundle = { authData, subscribeData: { id: 'sub_01JD7X2M6Q8K3V5T9W4Y1Z0SUB' } };
