import { defineInputFields, type ZObject } from 'zapier-platform-core';
import type { MinutesLowEvent } from '../../../../schemas/generated/types';
import { eventExamples } from '../examples';
import { envelopeOutput, envelopeOutputFields, hookTrigger } from './hook-trigger';

export const MINUTES_LOW = 'minutes_low';

const inputFields = defineInputFields([
  {
    key: 'thresholdMinutes',
    label: 'Alert Threshold (minutes)',
    type: 'integer',
    required: false,
    helpText:
      'Trigger when remaining call time drops below this many minutes. Leave empty for 10% of your plan’s included minutes.',
  },
]);

export function thresholdFrom(z: ZObject, inputData: Record<string, unknown>): number | undefined {
  const raw = inputData.thresholdMinutes;
  if (raw === undefined || raw === null || raw === '') return undefined;
  const value = typeof raw === 'number' ? raw : Number(String(raw).trim());
  if (!Number.isInteger(value) || value < 0) {
    throw new z.errors.Error(
      `Alert Threshold must be a whole number of minutes, 0 or more (got "${String(raw)}").`,
      'invalid_threshold',
      400,
    );
  }
  return value;
}

export const toOutput = (event: MinutesLowEvent) => ({ ...envelopeOutput(event), ...event.data });

const hook = hookTrigger({
  key: MINUTES_LOW,
  noun: 'Call Time Alert',
  label: 'Call Time Running Low',
  description: 'Triggers when remaining call time drops below your threshold (once per crossing).',
  inputFields,
  subscribeOptions: (z, inputData) => ({ thresholdMinutes: thresholdFrom(z, inputData) }),
  toOutput,
  sampleEvent: eventExamples.minutes_low,
  outputFields: [
    ...envelopeOutputFields,
    { key: 'remainingMinutes', label: 'Remaining Minutes', type: 'integer' },
    { key: 'thresholdMinutes', label: 'Threshold Minutes', type: 'integer' },
    { key: 'includedMinutes', label: 'Included Minutes', type: 'integer' },
    { key: 'extraMinutes', label: 'Extra Minutes', type: 'integer' },
    { key: 'usedMinutes', label: 'Used Minutes', type: 'integer' },
    { key: 'percentUsed', label: 'Percent Used', type: 'number' },
    { key: 'periodEnd', label: 'Billing Period Ends', type: 'datetime' },
  ],
});

export const { perform, performList, performSubscribe, performUnsubscribe } = hook;
export default hook.trigger;
