import {
  defineCreate,
  defineInputFields,
  type CreatePerform,
  type InferInputData,
} from 'zapier-platform-core';
import type { ExtraMinutesPurchase, ExtraMinutesPurchaseRequest } from '../../../../schemas/generated/types';
import { purchaseExample } from '../examples';
import { postIdempotently } from '../idempotency';

export const BUY_EXTRA_MINUTES = 'buy_extra_minutes';

const inputFields = defineInputFields([
  {
    key: 'blocks',
    label: 'Blocks of 1000 Minutes',
    type: 'integer',
    required: true,
    default: '1',
    helpText:
      'How many 1000-minute blocks to buy. Your saved card is charged; without one you get a checkout link.',
  },
  {
    key: 'reference',
    label: 'Reference (prevents double purchases)',
    type: 'string',
    required: false,
    helpText:
      'Map a value that is unique to what caused this purchase, such as the **Event ID** of an Atlas trigger. If Zapier replays this step, Atlas sees the same reference and does not charge twice. Leave empty and identical purchases for this Atlas account within one clock hour count as one.',
  },
]);

export const sample = { ...purchaseExample } satisfies ExtraMinutesPurchase;

export function blocksFrom(raw: unknown): number | undefined {
  const value = typeof raw === 'number' ? raw : Number(String(raw ?? '').trim());
  return Number.isInteger(value) && value >= 1 ? value : undefined;
}

export const perform = (async (z, bundle) => {
  const blocks = blocksFrom(bundle.inputData.blocks);
  if (blocks === undefined) {
    throw new z.errors.Error(
      `Blocks must be a whole number, 1 or more (got "${String(bundle.inputData.blocks)}").`,
      'invalid_blocks',
      400,
    );
  }
  const body: ExtraMinutesPurchaseRequest = { blocks };
  return postIdempotently<ExtraMinutesPurchase>(
    z,
    bundle,
    BUY_EXTRA_MINUTES,
    '/v1/api/billing/extra-minutes',
    body,
  );
}) satisfies CreatePerform<InferInputData<typeof inputFields>>;

export default defineCreate({
  key: BUY_EXTRA_MINUTES,
  noun: 'Extra Minutes',
  display: {
    label: 'Buy Extra Minutes',
    description:
      'Buys extra call time in 1000-minute blocks. Status is succeeded (minutes added), or pending: with a Checkout URL when no card is saved, and the minutes are added once paid. A declined card fails the step with the reason.',
  },
  operation: {
    inputFields,
    perform,
    sample,
    outputFields: [
      { key: 'id', label: 'Purchase ID', type: 'string' },
      { key: 'status', label: 'Status (succeeded or pending)', type: 'string' },
      { key: 'blocks', label: 'Blocks', type: 'integer' },
      { key: 'minutes', label: 'Minutes', type: 'integer' },
      { key: 'amountCents', label: 'Amount (cents)', type: 'integer' },
      { key: 'currency', label: 'Currency', type: 'string' },
      { key: 'checkoutUrl', label: 'Checkout URL (pending, no card saved)', type: 'string' },
      { key: 'message', label: 'Message', type: 'string' },
      { key: 'livemode', label: 'Live Payment', type: 'boolean' },
      { key: 'createdAt', label: 'Created At', type: 'datetime' },
    ],
  },
});
