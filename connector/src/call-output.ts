import type { OutputFields } from 'zapier-platform-core';
import type { Call } from '../../schemas/generated/types';
import { atlasBaseUrl } from './config';
import { callExamples } from './examples';

/** A call as Zaps see it: the API's call plus the link that reads its status later. */
export type CallOutput = Call & { statusUrl: string };

const statusPath = (callId: string) => `/v1/api/calls/${encodeURIComponent(callId)}`;

export function callOutput(call: Call): CallOutput {
  return { ...call, statusUrl: `${atlasBaseUrl()}${statusPath(call.id)}` };
}

const EXAMPLE_BASE_URL = 'https://connect.atlas.example';

/** Call.json's examples with the link they would carry. */
export const callOutputSamples = {
  queued: { ...callExamples.queued, statusUrl: EXAMPLE_BASE_URL + statusPath(callExamples.queued.id) },
  completed: {
    ...callExamples.completed,
    statusUrl: EXAMPLE_BASE_URL + statusPath(callExamples.completed.id),
  },
} satisfies Record<string, CallOutput>;

/** Start a Call, Find Call and Cancel Call output one call. */
export const callResourceOutputFields: OutputFields = [
  { key: 'id', label: 'Call ID', type: 'string' },
  { key: 'status', label: 'Status', type: 'string' },
  { key: 'campaignId', label: 'Campaign ID', type: 'string' },
  { key: 'phoneNumber', label: 'Phone Number', type: 'string' },
  { key: 'customerName', label: 'Customer Name', type: 'string' },
  { key: 'durationSeconds', label: 'Duration (seconds)', type: 'integer' },
  { key: 'summary', label: 'Summary', type: 'string' },
  { key: 'transcript', label: 'Transcript', type: 'string' },
  { key: 'recordingUrl', label: 'Recording URL', type: 'string' },
  { key: 'failureReason', label: 'Failure Reason', type: 'string' },
  { key: 'createdAt', label: 'Created At', type: 'datetime' },
  { key: 'startedAt', label: 'Started At', type: 'datetime' },
  { key: 'completedAt', label: 'Completed At', type: 'datetime' },
  { key: 'statusUrl', label: 'Status Link (API)', type: 'string' },
];

/** The Call ID input of Find Call and Cancel Call. */
export const callIdField = {
  key: 'callId',
  label: 'Call ID',
  type: 'string',
  required: true,
  helpText: 'The ID of the call, e.g. the Call ID that Start a Call or a call trigger gave.',
} as const;
