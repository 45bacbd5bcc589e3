import type { AccountUpdatedEvent } from '../../../../schemas/generated/types';
import { accountDetailFields } from '../account-output-fields';
import { eventExamples } from '../examples';
import { envelopeOutput, envelopeOutputFields, hookTrigger } from './hook-trigger';

export const ACCOUNT_UPDATED = 'account_updated';

// The account is lifted to the top level so its fields map directly into later steps; its own
// createdAt is renamed so it cannot shadow the event's.
export const toOutput = (event: AccountUpdatedEvent) => {
  const { account, changedFields } = event.data;
  return {
    ...envelopeOutput(event),
    companyName: account.companyName,
    adminName: account.adminName,
    adminEmail: account.adminEmail,
    profilePictureUrl: account.profilePictureUrl,
    planId: account.planId,
    planName: account.planName,
    accountCreatedAt: account.createdAt,
    updatedAt: account.updatedAt,
    changedFields,
  };
};

const hook = hookTrigger({
  key: ACCOUNT_UPDATED,
  noun: 'Account',
  label: 'Account Details Updated',
  description: 'Triggers when the company name, admin name, admin email or profile picture changes.',
  toOutput,
  sampleEvent: eventExamples.account_updated,
  outputFields: [
    ...envelopeOutputFields,
    ...accountDetailFields,
    { key: 'accountCreatedAt', label: 'Account Created At', type: 'datetime' },
    { key: 'updatedAt', label: 'Account Updated At', type: 'datetime' },
    { key: 'changedFields', label: 'Changed Fields', type: 'string', list: true },
  ],
});

export const { perform, performList, performSubscribe, performUnsubscribe } = hook;
export default hook.trigger;
