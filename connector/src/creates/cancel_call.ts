import {
  defineCreate,
  defineInputFields,
  type CreatePerform,
  type InferInputData,
} from 'zapier-platform-core';
import type { Call } from '../../../schemas/generated/types';
import { callIdField, callOutput, callOutputSamples, callResourceOutputFields } from '../call-output';

export const CANCEL_CALL = 'cancel_call';

const inputFields = defineInputFields([callIdField]);

/** Canceling twice is harmless (the call stays canceled), so a replayed step needs no key. */
export const perform = (async (z, bundle) => {
  const callId = String(bundle.inputData.callId ?? '').trim();
  const response = await z.request<Call>({
    url: `/v1/api/calls/${encodeURIComponent(callId)}/cancel`,
    method: 'POST',
  });
  return callOutput(response.data);
}) satisfies CreatePerform<InferInputData<typeof inputFields>>;

export default defineCreate({
  key: CANCEL_CALL,
  noun: 'Call',
  display: {
    label: 'Cancel Call',
    description:
      'Cancels a call nobody has answered yet (queued or dispatched); it is never charged. Fails with the call’s status once it is in progress or over.',
  },
  operation: {
    inputFields,
    perform,
    sample: { ...callOutputSamples.queued, status: 'canceled', durationSeconds: 0 },
    outputFields: callResourceOutputFields,
  },
});
