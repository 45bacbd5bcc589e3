import type { EventEnvelope, TriggerName } from '../../../schemas/generated/types';
import { schemaFiles } from '../../../schemas/generated/registry';
import { TRIGGER_NAMES } from '../domain/hooks/samples';
import { flatEvent, type FlatEvent } from './flatEvent';

/** GHL trigger keys are immutable once published: `atlas_` + the Atlas trigger name, never renamed. */
export const TRIGGER_KEY_PREFIX = 'atlas_';

export function triggerKeyOf(triggerName: TriggerName): string {
  return `${TRIGGER_KEY_PREFIX}${triggerName}`;
}

export function triggerNameOfKey(key: string): TriggerName | undefined {
  if (!key.startsWith(TRIGGER_KEY_PREFIX)) return undefined;
  const name = key.slice(TRIGGER_KEY_PREFIX.length);
  return (TRIGGER_NAMES as readonly string[]).includes(name) ? (name as TriggerName) : undefined;
}

/** The filters each trigger offers in GHL, and the Atlas subscription field each sets. */
export interface TriggerFilter {
  field: 'campaignId' | 'thresholdMinutes';
  title: string;
  type: 'select' | 'string';
  required: boolean;
}

const CAMPAIGN_FILTER: TriggerFilter = {
  field: 'campaignId',
  title: 'Campaign',
  type: 'select',
  required: false,
};
const THRESHOLD_FILTER: TriggerFilter = {
  field: 'thresholdMinutes',
  title: 'Fire when remaining minutes drop below',
  type: 'string',
  required: false,
};
/** Account-wide events (no campaign) offer no campaign filter. */
const CAMPAIGN_EVENTS: readonly TriggerName[] = [
  'call_started',
  'call_completed',
  'message_received',
  'message_sent',
];

export function filtersOf(triggerName: TriggerName): TriggerFilter[] {
  if (triggerName === 'minutes_low') return [THRESHOLD_FILTER];
  return CAMPAIGN_EVENTS.includes(triggerName) ? [CAMPAIGN_FILTER] : [];
}

/** A sample contact for samples; a real firing carries the contact of the call, or null. */
const SAMPLE_CONTEXT = { locationId: 've9EPM428h8vShlRW1KT', contactId: 'sx6wyHhbFdRXh302Lunr' };

export interface GhlTriggerDefinition {
  key: string;
  triggerName: TriggerName;
  name: string;
  description: string;
  filters: TriggerFilter[];
  sample: FlatEvent;
}

function titleOf(triggerName: TriggerName): string {
  const words = triggerName.split('_').join(' ');
  return `Atlas: ${words[0]!.toUpperCase()}${words.slice(1)}`;
}

/** Every Atlas trigger as the GHL app defines it; samples come from the event schemas' examples. */
export function ghlTriggerCatalog(): GhlTriggerDefinition[] {
  return TRIGGER_NAMES.map((triggerName) => {
    const schema = schemaFiles[`events/${triggerName}.json`] as {
      description?: string;
      examples?: EventEnvelope[];
    };
    const example = schema.examples?.[0];
    if (!example) throw new Error(`schemas/events/${triggerName}.json needs an example for its GHL sample`);
    return {
      key: triggerKeyOf(triggerName),
      triggerName,
      name: titleOf(triggerName),
      description: schema.description ?? '',
      filters: filtersOf(triggerName),
      sample: flatEvent(example, SAMPLE_CONTEXT),
    };
  });
}
