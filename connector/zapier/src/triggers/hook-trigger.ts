import {
  defineTrigger,
  type Bundle,
  type InputFields,
  type OutputFields,
  type ZObject,
} from 'zapier-platform-core';
import type { SubscribeRequest, Subscription, TriggerName } from '../../../../schemas/generated/types';

export const ALL_CAMPAIGNS = '*';

type SubscribeOptions = Pick<SubscribeRequest, 'campaignId' | 'thresholdMinutes'>;

export interface HookTriggerSpec<TName extends TriggerName, TEvent extends { triggerName: TName }, TOutput> {
  key: TName;
  noun: string;
  label: string;
  description: string;
  inputFields?: InputFields;
  /** Subscription filters taken from the user's inputs; campaignId defaults to every campaign. */
  subscribeOptions?: (z: ZObject, inputData: Record<string, unknown>) => SubscribeOptions;
  /** Turns one event envelope into the flat object the Zap sees; `id` must be the event id. */
  toOutput: (event: TEvent) => TOutput;
  sampleEvent: TEvent;
  outputFields: OutputFields;
}

// A delivery body is a JSON array holding event envelopes; Zapier hands it over parsed.
function deliveredEvents(cleanedRequest: unknown): unknown[] {
  if (Array.isArray(cleanedRequest)) return cleanedRequest;
  return cleanedRequest === undefined || cleanedRequest === null ? [] : [cleanedRequest];
}

function isEventOf<TName extends TriggerName, TEvent extends { triggerName: TName }>(
  name: TName,
  value: unknown,
): value is TEvent {
  return (
    typeof value === 'object' && value !== null && (value as { triggerName?: unknown }).triggerName === name
  );
}

// One factory for every REST-hook trigger: subscribe/unsubscribe on the events gateway, perform on
// the delivery, performList on the sample endpoint — both mapped by the same toOutput, so sample
// data and live data have one shape.
export function hookTrigger<
  TName extends TriggerName,
  TEvent extends { id: string; triggerName: TName },
  TOutput extends { id: string },
>(spec: HookTriggerSpec<TName, TEvent, TOutput>) {
  const performSubscribe = async (z: ZObject, bundle: Bundle): Promise<Subscription> => {
    const options = spec.subscribeOptions?.(z, bundle.inputData) ?? {};
    const body: SubscribeRequest = {
      hookUrl: bundle.targetUrl ?? '',
      triggerName: spec.key,
      campaignId: options.campaignId ?? ALL_CAMPAIGNS,
      provider: 'zapier',
      ...(options.thresholdMinutes === undefined ? {} : { thresholdMinutes: options.thresholdMinutes }),
    };
    const response = await z.request<Subscription>({
      url: '/v1/api/events-gateway/trigger/subscribe',
      method: 'POST',
      body,
    });
    return response.data;
  };

  const performUnsubscribe = async (z: ZObject, bundle: Bundle): Promise<Record<string, never>> => {
    await z.request({
      url: '/v1/api/events-gateway/trigger/unsubscribe',
      method: 'DELETE',
      body: { id: bundle.subscribeData?.id },
    });
    return {};
  };

  const perform = async (_z: ZObject, bundle: Bundle): Promise<TOutput[]> =>
    deliveredEvents(bundle.cleanedRequest)
      .filter((event): event is TEvent => isEventOf<TName, TEvent>(spec.key, event))
      .map(spec.toOutput);

  const performList = async (z: ZObject): Promise<TOutput[]> => {
    const response = await z.request<unknown[]>({
      url: '/v1/api/events-gateway/trigger/sample',
      params: { triggerName: spec.key },
    });
    return deliveredEvents(response.data)
      .filter((event): event is TEvent => isEventOf<TName, TEvent>(spec.key, event))
      .map(spec.toOutput);
  };

  const trigger = defineTrigger({
    key: spec.key,
    noun: spec.noun,
    display: { label: spec.label, description: spec.description },
    operation: {
      type: 'hook',
      inputFields: spec.inputFields ?? [],
      perform,
      performList,
      performSubscribe,
      performUnsubscribe,
      sample: spec.toOutput(spec.sampleEvent),
      outputFields: spec.outputFields,
    },
  });

  return { trigger, perform, performList, performSubscribe, performUnsubscribe };
}

/** Fields every event output starts with. */
export const envelopeOutputFields: OutputFields = [
  { key: 'id', label: 'Event ID', type: 'string' },
  { key: 'triggerName', label: 'Event Type', type: 'string' },
  { key: 'createdAt', label: 'Occurred At', type: 'datetime' },
  { key: 'accountId', label: 'Account ID', type: 'string' },
];

export function envelopeOutput(event: {
  id: string;
  triggerName: string;
  createdAt: string;
  accountId: string;
}) {
  return {
    id: event.id,
    triggerName: event.triggerName,
    createdAt: event.createdAt,
    accountId: event.accountId,
  };
}
