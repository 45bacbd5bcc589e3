import type { EventEnvelope } from '../../../schemas/generated/types';

export type FlatValue = string | number | boolean | null;
export type FlatEvent = Record<string, FlatValue>;

/** Where a fired event belongs in GHL: the contact a call was started for, when there is one. */
export interface GhlEventContext {
  locationId: string;
  contactId: string | null;
}

function camelJoin(prefix: string, key: string): string {
  return prefix ? prefix + key[0]!.toUpperCase() + key.slice(1) : key;
}

function flattenInto(out: FlatEvent, prefix: string, value: unknown): void {
  if (Array.isArray(value)) out[prefix] = value.map(String).join(', ');
  else if (value !== null && typeof value === 'object')
    for (const [key, child] of Object.entries(value)) flattenInto(out, camelJoin(prefix, key), child);
  else out[prefix] = (value ?? null) as FlatValue;
}

/**
 * An Atlas event as GHL receives it: one flat object, so every field is a custom variable
 * (`{{atlas_call_completed.summary}}`). Nested objects become camelCase keys (plan.name →
 * planName), arrays comma-separated text. `contactId` ties the execution to the GHL contact the
 * call was started for (null when the event has none), and `locationId` names the sub-account.
 */
export function flatEvent(event: EventEnvelope, context: GhlEventContext): FlatEvent {
  const out: FlatEvent = {
    eventId: event.id,
    triggerName: event.triggerName,
    createdAt: event.createdAt,
    accountId: event.accountId,
    campaignId: event.campaignId,
  };
  flattenInto(out, '', event.data);
  out.contactId = context.contactId;
  out.locationId = context.locationId;
  return out;
}
