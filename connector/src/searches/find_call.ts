import {
  defineInputFields,
  defineSearch,
  type InferInputData,
  type SearchPerform,
} from 'zapier-platform-core';
import type { Call } from '../../../schemas/generated/types';
import { mapErrorResponses } from '../middleware';
import { callIdField, callOutput, callOutputSamples, callResourceOutputFields } from '../call-output';

export const FIND_CALL = 'find_call';

const inputFields = defineInputFields([callIdField]);

/** A call of the connected account, or no result (Zapier's "not found") when it has none by that id. */
export const perform = (async (z, bundle) => {
  const callId = String(bundle.inputData.callId ?? '').trim();
  const response = await z.request<Call>({
    url: `/v1/api/calls/${encodeURIComponent(callId)}`,
    skipThrowForStatus: true,
  });
  if (response.status === 404) return [];
  // Any other answer is judged as every request's is: a 401 refreshes, a 4xx shows the message.
  mapErrorResponses(Object.assign(response, { skipThrowForStatus: false }), z, bundle);
  response.throwForStatus();
  return [callOutput(response.data)];
}) satisfies SearchPerform<InferInputData<typeof inputFields>>;

export default defineSearch({
  key: FIND_CALL,
  noun: 'Call',
  display: {
    label: 'Find Call',
    description: 'Finds a call by its ID: its status, duration, summary, transcript and recording.',
  },
  operation: {
    inputFields,
    perform,
    sample: callOutputSamples.completed,
    outputFields: callResourceOutputFields,
  },
});
