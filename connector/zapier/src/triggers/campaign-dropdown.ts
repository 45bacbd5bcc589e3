import { defineTrigger, type ZObject } from 'zapier-platform-core';
import type { Campaign } from '../../../../schemas/generated/types';
import { ALL_CAMPAIGNS } from './hook-trigger';

export interface CampaignChoice {
  id: string;
  name: string;
}

interface CampaignPage {
  data: Campaign[];
  nextCursor: string | null;
}

// Dropdowns are filled in one call rather than through Zapier's "load more" paging: accounts have
// tens of campaigns, and the cap only guards against a cursor that never ends.
const MAX_PAGES = 20;

export async function listCampaigns(z: ZObject): Promise<Campaign[]> {
  const campaigns: Campaign[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const response: { data: CampaignPage } = await z.request<CampaignPage>({
      url: '/v1/api/campaigns',
      params: cursor ? { cursor } : {},
    });
    campaigns.push(...response.data.data);
    cursor = response.data.nextCursor;
    if (!cursor) break;
  }
  return campaigns;
}

const toChoice = (campaign: Campaign): CampaignChoice => ({
  id: campaign.id,
  name: campaign.status === 'active' ? campaign.name : `${campaign.name} (${campaign.status})`,
});

export const ALL_CAMPAIGNS_CHOICE: CampaignChoice = { id: ALL_CAMPAIGNS, name: 'All campaigns' };

/** A hidden polling trigger that feeds a campaign dropdown. */
export function campaignDropdown<TKey extends string>(key: TKey, options: { includeAll: boolean }) {
  const perform = async (z: ZObject): Promise<CampaignChoice[]> => {
    const choices = (await listCampaigns(z)).map(toChoice);
    return options.includeAll ? [ALL_CAMPAIGNS_CHOICE, ...choices] : choices;
  };
  const trigger = defineTrigger({
    key,
    noun: 'Campaign',
    display: {
      label: options.includeAll ? 'Campaigns (with All campaigns)' : 'Campaigns',
      description: 'Lists campaigns for a dropdown.',
      hidden: true,
    },
    operation: {
      type: 'polling',
      perform,
      sample: options.includeAll
        ? { ...ALL_CAMPAIGNS_CHOICE }
        : { id: 'cmp_01JD7X2M6Q8K3V5T9W4Y1Z0CMP', name: 'Spring recall' },
      outputFields: [
        { key: 'id', label: 'Campaign ID', type: 'string' },
        { key: 'name', label: 'Campaign Name', type: 'string' },
      ],
    },
  });
  return { trigger, perform };
}
