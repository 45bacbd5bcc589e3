import {
  defineCreate,
  defineInputFields,
  type CreatePerform,
  type InferInputData,
} from 'zapier-platform-core';
import type { Account, AccountUpdate } from '../../../../schemas/generated/types';
import { accountExample } from '../examples';
import { accountOutputFields } from '../account-output-fields';

export const UPDATE_ACCOUNT_DETAILS = 'update_account_details';

const inputFields = defineInputFields([
  { key: 'companyName', label: 'Company Name', type: 'string', required: false },
  { key: 'adminName', label: 'Admin Name', type: 'string', required: false },
  { key: 'adminEmail', label: 'Admin Email', type: 'string', required: false },
  {
    key: 'profilePictureUrl',
    label: 'Profile Picture URL',
    type: 'string',
    required: false,
    helpText: 'An http(s) link to the picture.',
  },
  {
    key: 'removeProfilePicture',
    label: 'Remove Profile Picture',
    type: 'boolean',
    required: false,
    helpText: 'Yes removes the current picture (Profile Picture URL is then ignored).',
  },
]);

const FIELDS = ['companyName', 'adminName', 'adminEmail', 'profilePictureUrl'] as const;

// Only the fields the user filled are sent: PATCH semantics, and an empty mapped value from an
// earlier step must not blank a field in Atlas.
export function changedFields(
  inputData: Partial<Record<(typeof FIELDS)[number] | 'removeProfilePicture', unknown>>,
): AccountUpdate {
  const update: AccountUpdate = {};
  for (const field of FIELDS) {
    const value = inputData[field];
    if (typeof value === 'string' && value.trim() !== '') update[field] = value.trim();
  }
  // Zapier sends booleans as true or as the strings "true"/"yes" depending on how they were mapped.
  const remove = inputData.removeProfilePicture;
  if (
    remove === true ||
    (typeof remove === 'string' && ['true', 'yes'].includes(remove.trim().toLowerCase()))
  ) {
    update.profilePictureUrl = null;
  }
  return update;
}

export const perform = (async (z, bundle) => {
  const body = changedFields(bundle.inputData);
  if (Object.keys(body).length === 0) {
    throw new z.errors.Error(
      'Nothing to update: fill in at least one of Company Name, Admin Name, Admin Email or Profile Picture URL, or choose Remove Profile Picture.',
      'nothing_to_update',
      400,
    );
  }
  const response = await z.request<Account>({ url: '/v1/api/account', method: 'PATCH', body });
  return response.data;
}) satisfies CreatePerform<InferInputData<typeof inputFields>>;

export default defineCreate({
  key: UPDATE_ACCOUNT_DETAILS,
  noun: 'Account',
  display: {
    label: 'Update Account Details',
    description: 'Changes the company name, admin name, admin email or profile picture of the Atlas account.',
  },
  operation: {
    inputFields,
    perform,
    sample: { ...accountExample },
    outputFields: accountOutputFields,
  },
});
