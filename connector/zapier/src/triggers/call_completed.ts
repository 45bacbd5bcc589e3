import type { CallCompletedEvent } from '../../../../schemas/generated/types';
import { eventExamples } from '../examples';
import { callOutputFields } from './call-output-fields';
import { campaignFilter, campaignFilterFields } from './campaign-filter';
import { envelopeOutput, envelopeOutputFields, hookTrigger } from './hook-trigger';

export const CALL_COMPLETED = 'call_completed';

export const toOutput = (event: CallCompletedEvent) => ({ ...envelopeOutput(event), ...event.data });

const hook = hookTrigger({
  key: CALL_COMPLETED,
  noun: 'Call',
  label: 'Call Completed',
  description: 'Triggers when an AI call ends, with its outcome, summary, transcript and recording.',
  inputFields: campaignFilterFields,
  subscribeOptions: (_z, inputData) => campaignFilter(inputData),
  toOutput,
  sampleEvent: eventExamples.call_completed,
  outputFields: [
    ...envelopeOutputFields,
    ...callOutputFields,
    { key: 'status', label: 'Call Status', type: 'string' },
    { key: 'durationSeconds', label: 'Duration (seconds)', type: 'integer' },
    { key: 'summary', label: 'Summary', type: 'string' },
    { key: 'transcript', label: 'Transcript', type: 'string' },
    { key: 'recordingUrl', label: 'Recording URL', type: 'string' },
    { key: 'completedAt', label: 'Completed At', type: 'datetime' },
  ],
});

export const { perform, performList, performSubscribe, performUnsubscribe } = hook;
export default hook.trigger;
