import { defineApp, version as platformVersion } from 'zapier-platform-core';
import { authentication } from './authentication';
import { addBaseUrlAndBearer, mapErrorResponses } from './middleware';
import buyExtraMinutes from './creates/buy_extra_minutes';
import cancelCall from './creates/cancel_call';
import startCall from './creates/start_call';
import updateAccountDetails from './creates/update_account_details';
import findCall from './searches/find_call';
import getAccount from './searches/get_account';
import getUsage from './searches/get_usage';
import accountUpdated from './triggers/account_updated';
import callCampaignList from './triggers/call_campaign_list';
import callCompleted from './triggers/call_completed';
import callStarted from './triggers/call_started';
import campaignList from './triggers/campaign_list';
import messageReceived from './triggers/message_received';
import messageSent from './triggers/message_sent';
import minutesLow from './triggers/minutes_low';
import minutesPurchased from './triggers/minutes_purchased';
import planChanged from './triggers/plan_changed';
import { version } from '../package.json';

export default defineApp({
  version,
  platformVersion,
  authentication,
  beforeRequest: [addBaseUrlAndBearer],
  afterResponse: [mapErrorResponses],
  triggers: {
    [minutesLow.key]: minutesLow,
    [planChanged.key]: planChanged,
    [callCompleted.key]: callCompleted,
    [callStarted.key]: callStarted,
    [minutesPurchased.key]: minutesPurchased,
    [accountUpdated.key]: accountUpdated,
    [messageReceived.key]: messageReceived,
    [messageSent.key]: messageSent,
    [campaignList.key]: campaignList,
    [callCampaignList.key]: callCampaignList,
  },
  creates: {
    [updateAccountDetails.key]: updateAccountDetails,
    [buyExtraMinutes.key]: buyExtraMinutes,
    [startCall.key]: startCall,
    [cancelCall.key]: cancelCall,
  },
  searches: {
    [getUsage.key]: getUsage,
    [getAccount.key]: getAccount,
    [findCall.key]: findCall,
  },
});
