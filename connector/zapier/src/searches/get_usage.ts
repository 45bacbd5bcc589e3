import { defineSearch, type SearchPerform } from 'zapier-platform-core';
import type { Usage } from '../../../../schemas/generated/types';

export const GET_USAGE = 'get_usage';

export const sample = {
  planId: 'pro',
  periodStart: '2026-11-01T00:00:00.000Z',
  periodEnd: '2026-12-01T00:00:00.000Z',
  includedMinutes: 1000,
  extraMinutes: 0,
  usedMinutes: 913,
  remainingMinutes: 87,
  percentUsed: 91.3,
  usedSeconds: 54780,
  remainingSeconds: 5220,
} satisfies Usage;

export const perform = (async (z) => {
  const response = await z.request<Usage>({ url: '/v1/api/usage' });
  return [response.data];
}) satisfies SearchPerform;

export default defineSearch({
  key: GET_USAGE,
  noun: 'Call Time Usage',
  display: {
    label: 'Get Call Time Usage',
    description: 'Gets this billing period’s included, extra, used and remaining minutes.',
  },
  operation: {
    inputFields: [],
    perform,
    sample,
    outputFields: [
      { key: 'planId', label: 'Plan ID', type: 'string' },
      { key: 'periodStart', label: 'Billing Period Starts', type: 'datetime' },
      { key: 'periodEnd', label: 'Billing Period Ends', type: 'datetime' },
      { key: 'includedMinutes', label: 'Included Minutes', type: 'integer' },
      { key: 'extraMinutes', label: 'Extra Minutes', type: 'integer' },
      { key: 'usedMinutes', label: 'Used Minutes', type: 'integer' },
      { key: 'remainingMinutes', label: 'Remaining Minutes', type: 'integer' },
      { key: 'percentUsed', label: 'Percent Used', type: 'number' },
      { key: 'usedSeconds', label: 'Used Seconds', type: 'integer' },
      { key: 'remainingSeconds', label: 'Remaining Seconds', type: 'integer' },
    ],
  },
});
