import type {
  Account,
  AccountUpdatedEvent,
  CallCompletedEvent,
  Call,
  CallStartedEvent,
  ExtraMinutesPurchase,
  MessageReceivedEvent,
  MessageSentEvent,
  MinutesLowEvent,
  MinutesPurchasedEvent,
  PlanChangedEvent,
} from '../../../schemas/generated/types';
import accountUpdated from '../../../schemas/events/account_updated.json';
import callCompleted from '../../../schemas/events/call_completed.json';
import callStarted from '../../../schemas/events/call_started.json';
import messageReceived from '../../../schemas/events/message_received.json';
import messageSent from '../../../schemas/events/message_sent.json';
import callSchema from '../../../schemas/Call.json';
import purchaseSchema from '../../../schemas/ExtraMinutesPurchase.json';
import minutesLow from '../../../schemas/events/minutes_low.json';
import minutesPurchased from '../../../schemas/events/minutes_purchased.json';
import planChanged from '../../../schemas/events/plan_changed.json';

// The documented sample of each event is its schema's examples[0], so samples cannot drift from
// the contract. JSON imports are typed loosely (string, not 'minutes_low'), hence the cast;
// test/connector/zapier/samples.test.ts validates every example against its schema with ajv, and the
// trigger mappers are typed on the generated event types, so a schema change fails there.
function firstExample<T>(schema: { examples: readonly unknown[] }): T {
  const [example] = schema.examples;
  if (example === undefined) throw new Error('An event schema lost its examples[0].');
  return example as T;
}

export const eventExamples = {
  minutes_low: firstExample<MinutesLowEvent>(minutesLow),
  plan_changed: firstExample<PlanChangedEvent>(planChanged),
  call_completed: firstExample<CallCompletedEvent>(callCompleted),
  call_started: firstExample<CallStartedEvent>(callStarted),
  minutes_purchased: firstExample<MinutesPurchasedEvent>(minutesPurchased),
  account_updated: firstExample<AccountUpdatedEvent>(accountUpdated),
  message_received: firstExample<MessageReceivedEvent>(messageReceived),
  message_sent: firstExample<MessageSentEvent>(messageSent),
};

/** Call.json's examples: a call just queued, and the same call once it ended. */
export const callExamples = {
  queued: callSchema.examples[0] as Call,
  completed: callSchema.examples[1] as Call,
};

export const accountExample: Account = eventExamples.account_updated.data.account;

/** ExtraMinutesPurchase.json's example: one block bought and paid at once. */
export const purchaseExample = purchaseSchema.examples[0] as ExtraMinutesPurchase;
