import { defineInputFields } from 'zapier-platform-core';
import { CAMPAIGN_LIST } from './campaign_list';
import { ALL_CAMPAIGNS } from './hook-trigger';

export const campaignFilterFields = defineInputFields([
  {
    key: 'campaignId',
    label: 'Campaign',
    helpText: 'Only calls of this campaign trigger the Zap. Choose "All campaigns" to hear every campaign.',
    dynamic: `${CAMPAIGN_LIST}.id.name`,
    required: true,
    default: ALL_CAMPAIGNS,
  },
]);

export function campaignFilter(inputData: Record<string, unknown>): { campaignId: string } {
  const value = inputData.campaignId;
  return { campaignId: typeof value === 'string' && value.trim() ? value.trim() : ALL_CAMPAIGNS };
}
