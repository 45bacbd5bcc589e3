import { campaignDropdown } from './campaign-dropdown';

/** Campaigns only, for actions that need one real campaign (a call belongs to exactly one). */
export const CALL_CAMPAIGN_LIST = 'call_campaign_list';

const dropdown = campaignDropdown(CALL_CAMPAIGN_LIST, { includeAll: false });
export const { perform } = dropdown;
export default dropdown.trigger;
