import type { EventEnvelope, TriggerName } from '../../../../schemas/generated/types';
import { schemaFiles } from '../../../../schemas/generated/registry';
import type { Db } from '../db';
import { latestEvents } from '../events';

export const TRIGGER_NAMES = schemaFiles['TriggerName.json'].enum as readonly TriggerName[];

export function isTriggerName(value: string): value is TriggerName {
  return (TRIGGER_NAMES as readonly string[]).includes(value);
}

/** The documented example of a trigger's event schema, made to belong to this account. */
export function documentedSample(accountId: string, triggerName: TriggerName): EventEnvelope | undefined {
  const schema = schemaFiles[`events/${triggerName}.json`] as { examples?: EventEnvelope[] };
  const example = schema.examples?.[0];
  return example ? { ...example, accountId } : undefined;
}

/**
 * Zapier's performList: the account's latest events of a trigger, newest first, exactly as a
 * delivery carries them; when there are none yet, the documented example of the event schema.
 */
export async function sampleEvents(
  db: Db,
  accountId: string,
  triggerName: TriggerName,
  limit: number,
): Promise<EventEnvelope[]> {
  const latest = await latestEvents(db, accountId, triggerName, limit);
  if (latest.length > 0) return latest;
  const sample = documentedSample(accountId, triggerName);
  return sample ? [sample] : [];
}
