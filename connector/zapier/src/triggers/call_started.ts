import type { CallStartedEvent } from '../../../../schemas/generated/types';
import { eventExamples } from '../examples';
import { callOutputFields } from './call-output-fields';
import { campaignFilter, campaignFilterFields } from './campaign-filter';
import { envelopeOutput, envelopeOutputFields, hookTrigger } from './hook-trigger';

export const CALL_STARTED = 'call_started';

export const toOutput = (event: CallStartedEvent) => ({ ...envelopeOutput(event), ...event.data });

const hook = hookTrigger({
  key: CALL_STARTED,
  noun: 'Call',
  label: 'Call Started',
  description: 'Triggers when an AI call is connected.',
  inputFields: campaignFilterFields,
  subscribeOptions: (_z, inputData) => campaignFilter(inputData),
  toOutput,
  sampleEvent: eventExamples.call_started,
  outputFields: [
    ...envelopeOutputFields,
    ...callOutputFields,
    { key: 'startedAt', label: 'Started At', type: 'datetime' },
  ],
});

export const { perform, performList, performSubscribe, performUnsubscribe } = hook;
export default hook.trigger;
