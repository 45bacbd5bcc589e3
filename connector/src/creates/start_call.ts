import {
  defineCreate,
  defineInputFields,
  type CreatePerform,
  type InferInputData,
} from 'zapier-platform-core';
import type { Call, CallCreate } from '../../../schemas/generated/types';
import { callOutput, callOutputSamples, callResourceOutputFields } from '../call-output';
import { postIdempotently } from '../idempotency';
import { CALL_CAMPAIGN_LIST } from '../triggers/call_campaign_list';

export const START_CALL = 'start_call';

const inputFields = defineInputFields([
  {
    key: 'campaignId',
    label: 'Campaign',
    required: true,
    dynamic: `${CALL_CAMPAIGN_LIST}.id.name`,
    helpText: 'The campaign whose AI agent places the call.',
  },
  {
    key: 'phoneNumber',
    label: 'Phone Number',
    type: 'string',
    required: true,
    helpText: 'In international (E.164) form: + then country code and number, e.g. +14155550123.',
  },
  { key: 'customerName', label: 'Customer Name', type: 'string', required: false },
  {
    key: 'parameters',
    label: 'Parameters',
    dict: true,
    required: false,
    helpText: 'Values the AI agent may use in the conversation, e.g. appointment_time → Tuesday 10am.',
  },
  {
    key: 'reference',
    label: 'Reference (prevents calling twice)',
    type: 'string',
    required: false,
    helpText:
      'Map a value unique to what caused this call, such as the trigger’s record ID. If Zapier replays this step, Atlas sees the same reference and does not call again. Leave empty and identical calls for this Atlas account within one clock hour count as one.',
  },
]);

export const sample = callOutputSamples.queued;

// Zapier hands a dict field over as an object of strings; anything else (a mapped number) is
// stringified because the API takes string values only.
function parametersFrom(raw: unknown): Record<string, string> | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const entries = Object.entries(raw)
    .filter(([key, value]) => key.trim() !== '' && value !== undefined && value !== null)
    .map(([key, value]): [string, string] => [
      key.trim(),
      typeof value === 'string' ? value : JSON.stringify(value),
    ]);
  return entries.length ? Object.fromEntries(entries) : undefined;
}

export function callCreateFrom(inputData: Record<string, unknown>): CallCreate {
  const body: CallCreate = {
    campaignId: String(inputData.campaignId ?? '').trim(),
    phoneNumber: String(inputData.phoneNumber ?? '').replace(/[\s()-]/g, ''),
  };
  const customerName = typeof inputData.customerName === 'string' ? inputData.customerName.trim() : '';
  if (customerName) body.customerName = customerName;
  const parameters = parametersFrom(inputData.parameters);
  if (parameters) body.parameters = parameters;
  return body;
}

export const perform = (async (z, bundle) => {
  const body = callCreateFrom(bundle.inputData);
  return callOutput(await postIdempotently<Call>(z, bundle, START_CALL, '/v1/api/calls', body));
}) satisfies CreatePerform<InferInputData<typeof inputFields>>;

export default defineCreate({
  key: START_CALL,
  noun: 'Call',
  display: {
    label: 'Start a Call',
    description:
      'Has the campaign’s AI agent call one person. Returns the queued call with a link to read its status; Call Completed (or Find Call) gives the outcome. Fails with a clear message when no call time is left.',
  },
  operation: {
    inputFields,
    perform,
    sample,
    outputFields: callResourceOutputFields,
  },
});
