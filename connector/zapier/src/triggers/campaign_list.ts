import { campaignDropdown } from './campaign-dropdown';

/** Campaigns plus "All campaigns" (`*`), for triggers that may listen to every campaign. */
export const CAMPAIGN_LIST = 'campaign_list';

const dropdown = campaignDropdown(CAMPAIGN_LIST, { includeAll: true });
export const { perform } = dropdown;
export default dropdown.trigger;
