import { ghlActionCatalog } from './actionCatalog';
import { GHL_SCOPES } from './scopes';
import { ghlTriggerCatalog } from './triggerCatalog';

/** Placeholders the operator replaces with their deployment's values when filling the portal. */
export const BASE_URL_PLACEHOLDER = '{{PUBLIC_BASE_URL}}';
const SHARED_SECRET_PLACEHOLDER = '{{GHL_SHARED_SECRET}}';

/**
 * The GHL marketplace app as the developer portal is filled in: scopes, every URL, the shared
 * secret header, triggers (keys, filters, sample payloads from the event schemas' examples) and
 * actions (fields, response samples). connector/ghl/app.json is this, generated
 * (`npm run ghl:generate`); a test fails when the two differ.
 */
export function ghlAppDefinition(baseUrl = BASE_URL_PLACEHOLDER) {
  const campaignOptions = `${baseUrl}/integrations/ghl/options/campaigns?locationId={{location.id}}`;
  const headers = { 'X-Atlas-Secret': SHARED_SECRET_PLACEHOLDER };
  return {
    generatedBy:
      'npm run ghl:generate (webhook-server/src/ghl/appDefinition.ts, samples from schemas/). Do not edit.',
    app: {
      name: 'Atlas AI Calling',
      distribution: 'Sub-Account',
      scopes: [...GHL_SCOPES],
    },
    urls: {
      redirectUri: `${baseUrl}/integrations/ghl/oauth/callback`,
      defaultWebhookUrl: `${baseUrl}/integrations/ghl/webhooks`,
      installFromAtlas: `${baseUrl}/integrations/ghl/install`,
      triggerSubscriptionUrl: `${baseUrl}/integrations/ghl/triggers`,
      campaignOptionsUrl: campaignOptions,
    },
    webhookEvents: ['INSTALL', 'UNINSTALL'],
    triggers: ghlTriggerCatalog().map((trigger) => ({
      key: trigger.key,
      name: trigger.name,
      shortDescription: trigger.description,
      subscriptionUrl: `${baseUrl}/integrations/ghl/triggers`,
      subscriptionHeaders: headers,
      samplePayload: trigger.sample,
      filters: trigger.filters.map((filter) => ({
        name: filter.title,
        type: filter.type,
        reference: filter.field,
        required: filter.required,
        ...(filter.type === 'select' ? { options: { type: 'external', url: campaignOptions, headers } } : {}),
      })),
    })),
    actions: ghlActionCatalog().map((action) => ({
      key: action.key,
      name: action.name,
      shortDescription: action.description,
      url: `${baseUrl}/integrations/ghl/actions/${action.key}`,
      method: 'POST',
      headers,
      fields: action.fields.map((field) => ({
        name: field.name,
        type: field.type,
        reference: field.reference,
        required: field.required,
        ...(field.help ? { help: field.help } : {}),
        ...(field.optionsPath
          ? {
              options: {
                type: 'external',
                url: `${baseUrl}${field.optionsPath}?locationId={{location.id}}`,
                headers,
              },
            }
          : {}),
      })),
      responseSample: action.responseSample,
    })),
  };
}
