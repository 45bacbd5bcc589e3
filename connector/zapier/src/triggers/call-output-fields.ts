import type { OutputFields } from 'zapier-platform-core';

/** The call a call event is about, shared by call_started and call_completed. */
export const callOutputFields: OutputFields = [
  { key: 'callId', label: 'Call ID', type: 'string' },
  { key: 'campaignId', label: 'Campaign ID', type: 'string' },
  { key: 'phoneNumber', label: 'Phone Number', type: 'string' },
  { key: 'customerName', label: 'Customer Name', type: 'string' },
];
