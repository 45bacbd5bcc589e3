import type { MessageReceivedEvent, MessageSentEvent } from '../../../schemas/generated/types';
import { campaignFilter, campaignFilterFields } from './campaign-filter';
import { envelopeOutput, envelopeOutputFields, hookTrigger } from './hook-trigger';

type MessageEvent = MessageReceivedEvent | MessageSentEvent;

export const toOutput = <TEvent extends MessageEvent>(event: TEvent) => ({
  ...envelopeOutput(event),
  ...event.data,
});

/** message_received and message_sent differ only in direction: one shape, one definition. */
export function messageTrigger<TEvent extends MessageEvent>(spec: {
  key: TEvent['triggerName'];
  label: string;
  description: string;
  sampleEvent: TEvent;
}) {
  return hookTrigger({
    key: spec.key,
    noun: 'Message',
    label: spec.label,
    description: spec.description,
    inputFields: [
      {
        ...campaignFilterFields[0]!,
        helpText:
          'Only messages of this campaign trigger the Zap. Choose "All campaigns" to hear every campaign.',
      },
    ],
    subscribeOptions: (_z, inputData) => campaignFilter(inputData),
    toOutput: (event: TEvent) => toOutput(event),
    sampleEvent: spec.sampleEvent,
    outputFields: [
      ...envelopeOutputFields,
      { key: 'messageId', label: 'Message ID', type: 'string' },
      { key: 'campaignId', label: 'Campaign ID', type: 'string' },
      { key: 'phoneNumber', label: 'Phone Number', type: 'string' },
      { key: 'customerName', label: 'Customer Name', type: 'string' },
      { key: 'channel', label: 'Channel (sms or whatsapp)', type: 'string' },
      { key: 'body', label: 'Message Text', type: 'string' },
      { key: 'occurredAt', label: 'Occurred At', type: 'datetime' },
    ],
  });
}
