import type { MinutesPurchasedEvent } from '../../../../schemas/generated/types';
import { eventExamples } from '../examples';
import { envelopeOutput, envelopeOutputFields, hookTrigger } from './hook-trigger';

export const MINUTES_PURCHASED = 'minutes_purchased';

export const toOutput = (event: MinutesPurchasedEvent) => ({ ...envelopeOutput(event), ...event.data });

const hook = hookTrigger({
  key: MINUTES_PURCHASED,
  noun: 'Minutes Purchase',
  label: 'Extra Minutes Purchased',
  description: 'Triggers when extra call time has been paid for and credited.',
  toOutput,
  sampleEvent: eventExamples.minutes_purchased,
  outputFields: [
    ...envelopeOutputFields,
    { key: 'purchaseId', label: 'Purchase ID', type: 'string' },
    { key: 'blocks', label: 'Blocks (1000 minutes each)', type: 'integer' },
    { key: 'minutes', label: 'Minutes Added', type: 'integer' },
    { key: 'amountCents', label: 'Amount (cents)', type: 'integer' },
    { key: 'currency', label: 'Currency', type: 'string' },
    { key: 'livemode', label: 'Live Payment', type: 'boolean' },
    { key: 'remainingMinutes', label: 'Remaining Minutes After Purchase', type: 'integer' },
  ],
});

export const { perform, performList, performSubscribe, performUnsubscribe } = hook;
export default hook.trigger;
