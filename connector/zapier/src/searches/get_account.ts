import { defineSearch, type SearchPerform } from 'zapier-platform-core';
import type { Account } from '../../../../schemas/generated/types';
import { accountOutputFields } from '../account-output-fields';
import { accountExample } from '../examples';

export const GET_ACCOUNT = 'get_account';

export const perform = (async (z) => {
  const response = await z.request<Account>({ url: '/v1/api/account' });
  return [response.data];
}) satisfies SearchPerform;

export default defineSearch({
  key: GET_ACCOUNT,
  noun: 'Account',
  display: {
    label: 'Get Account',
    description: 'Gets the connected Atlas account: company, admin and plan.',
  },
  operation: {
    inputFields: [],
    perform,
    sample: { ...accountExample },
    outputFields: accountOutputFields,
  },
});
