import type { EventEnvelope } from '../../../../schemas/generated/types';

type Data = Record<string, unknown>;

const planOf = (value: unknown) => String((value as { id?: unknown } | null)?.id ?? value ?? '-');

/** A few words that tell one event of a trigger from another. */
const SUMMARIES: Record<string, (data: Data) => string> = {
  call_completed: (d) => `${String(d.phoneNumber)} ${String(d.durationSeconds)} s ${String(d.status)}`,
  call_started: (d) => `${String(d.phoneNumber)}`,
  minutes_low: (d) => `${String(d.remainingMinutes)} min left (threshold ${String(d.thresholdMinutes)})`,
  minutes_purchased: (d) => `+${String(d.minutes)} min, ${String(d.remainingMinutes)} min left`,
  plan_changed: (d) => `${planOf(d.previousPlan)} → ${planOf(d.plan)} (${String(d.direction)})`,
  account_updated: (d) => `changed ${((d.changedFields as string[] | undefined) ?? []).join(', ')}`,
  message_received: (d) => `${String(d.phoneNumber)} "${short(String(d.body))}"`,
  message_sent: (d) => `${String(d.phoneNumber)} "${short(String(d.body))}"`,
};

function short(text: string): string {
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

/** One readable line: time, trigger, event id, summary; `[test]` on test events. */
export function eventLine(event: EventEnvelope): string {
  const time = event.createdAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  const summary = SUMMARIES[event.triggerName]?.(event.data as Data) ?? '';
  return `${time}  ${event.triggerName.padEnd(17)}  ${event.id}  ${summary}${event.test ? '  [test]' : ''}`;
}
