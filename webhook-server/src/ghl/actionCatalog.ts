import type { Account, Call, ExtraMinutesPurchase } from '../../../schemas/generated/types';
import { schemaFiles } from '../../../schemas/generated/registry';
import type { FlatValue } from './flatEvent';

/** GHL action keys are immutable once published. */
export const ACTION_KEYS = {
  startCall: 'atlas_start_call',
  buyExtraMinutes: 'atlas_buy_extra_minutes',
  updateAccount: 'atlas_update_account',
  cancelCall: 'atlas_cancel_call',
} as const;
export type ActionKey = (typeof ACTION_KEYS)[keyof typeof ACTION_KEYS];

export type FlatResponse = Record<string, FlatValue>;

/** What each action answers: flat, so every field is a custom variable (`{{atlas_start_call.callId}}`). */
export function callResponse(call: Call, contactId: string | null): FlatResponse {
  return {
    callId: call.id,
    status: call.status,
    campaignId: call.campaignId,
    phoneNumber: call.phoneNumber,
    customerName: call.customerName,
    contactId,
    createdAt: call.createdAt,
  };
}

export function purchaseResponse(purchase: ExtraMinutesPurchase): FlatResponse {
  return {
    purchaseId: purchase.id,
    status: purchase.status,
    blocks: purchase.blocks,
    minutes: purchase.minutes,
    amountCents: purchase.amountCents,
    currency: purchase.currency,
    checkoutUrl: purchase.checkoutUrl ?? null,
  };
}

export function accountResponse(account: Account): FlatResponse {
  return {
    accountId: account.id,
    companyName: account.companyName,
    adminName: account.adminName,
    adminEmail: account.adminEmail,
    profilePictureUrl: account.profilePictureUrl,
    planId: account.planId,
    updatedAt: account.updatedAt,
  };
}

export interface ActionField {
  /** GHL's field reference: the key under `data` in the action request. */
  reference: string;
  name: string;
  type: 'String' | 'Numerical' | 'Select' | 'Hidden';
  required: boolean;
  /** Select fields load their options from this path of atlas-connect. */
  optionsPath?: string;
  help?: string;
}

export interface GhlActionDefinition {
  key: ActionKey;
  name: string;
  description: string;
  fields: ActionField[];
  responseSample: FlatResponse;
}

const REFERENCE_FIELD: ActionField = {
  reference: 'reference',
  name: 'Reference (prevents doing it twice)',
  type: 'String',
  required: false,
  help: 'Map a value unique to what caused this step (a form submission id, an opportunity id). A GHL retry with the same reference is done once. Left empty, the same workflow, contact and fields within one clock hour count as one.',
};

function example<T>(file: keyof typeof schemaFiles): T {
  const examples = (schemaFiles[file] as { examples?: T[] }).examples;
  if (!examples?.[0]) throw new Error(`schemas/${file} needs an example for the GHL response sample`);
  return examples[0];
}

const SAMPLE_CALL: Call = { ...example<Call>('Call.json'), status: 'queued' };

const SAMPLE_PURCHASE = example<ExtraMinutesPurchase>('ExtraMinutesPurchase.json');

/** Every Atlas action as the GHL app defines it. */
export function ghlActionCatalog(): GhlActionDefinition[] {
  return [
    {
      key: ACTION_KEYS.startCall,
      name: 'Atlas: Start a Call',
      description: "Has the campaign's AI agent call the workflow's contact (or the number given).",
      fields: [
        {
          reference: 'campaignId',
          name: 'Campaign',
          type: 'Select',
          required: true,
          optionsPath: '/integrations/ghl/options/campaigns',
        },
        {
          reference: 'phoneNumber',
          name: 'Phone number (override)',
          type: 'String',
          required: false,
          help: "E.164, e.g. +14155550123. Empty: the contact's phone.",
        },
        {
          reference: 'customerName',
          name: 'Name (override)',
          type: 'String',
          required: false,
          help: "Empty: the contact's name.",
        },
        REFERENCE_FIELD,
      ],
      responseSample: callResponse(SAMPLE_CALL, 'sx6wyHhbFdRXh302Lunr'),
    },
    {
      key: ACTION_KEYS.buyExtraMinutes,
      name: 'Atlas: Buy Extra Minutes',
      description: 'Buys blocks of 1000 extra call minutes with the saved card (or answers a checkout link).',
      fields: [
        { reference: 'blocks', name: 'Blocks of 1000 minutes', type: 'Numerical', required: true },
        REFERENCE_FIELD,
      ],
      responseSample: purchaseResponse(SAMPLE_PURCHASE),
    },
    {
      key: ACTION_KEYS.updateAccount,
      name: 'Atlas: Update Account Details',
      description: 'Changes the Atlas account’s company name, admin name, admin email or picture.',
      fields: [
        { reference: 'companyName', name: 'Company name', type: 'String', required: false },
        { reference: 'adminName', name: 'Admin name', type: 'String', required: false },
        { reference: 'adminEmail', name: 'Admin email', type: 'String', required: false },
        { reference: 'profilePictureUrl', name: 'Profile picture URL', type: 'String', required: false },
      ],
      responseSample: accountResponse(
        example<{ data: { account: Account } }>('events/account_updated.json').data.account,
      ),
    },
    {
      key: ACTION_KEYS.cancelCall,
      name: 'Atlas: Cancel Call',
      description: 'Cancels a call that is still queued or dispatched.',
      fields: [
        {
          reference: 'callId',
          name: 'Call ID',
          type: 'String',
          required: true,
          help: 'Map {{atlas_start_call.callId}}.',
        },
      ],
      responseSample: callResponse({ ...SAMPLE_CALL, status: 'canceled' }, 'sx6wyHhbFdRXh302Lunr'),
    },
  ];
}
