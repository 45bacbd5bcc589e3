import { type PathItems, errorResponses, jsonContent, ref } from '../openapiParts';

const TAGS = ['GoHighLevel'];
const html = (description: string) => ({
  description,
  content: { 'text/html': { schema: { type: 'string' } } },
});
const sharedSecret = {
  name: 'X-Atlas-Secret',
  in: 'header',
  required: true,
  schema: { type: 'string' },
  description: 'GHL_SHARED_SECRET, sent by the GHL app settings; compared in constant time',
};
const flatObject = {
  type: 'object',
  description: 'One flat object (strings, numbers, booleans, null): each field is a GHL custom variable',
  additionalProperties: { type: ['string', 'number', 'boolean', 'null'] },
};
const page = (extra: number[]) =>
  Object.fromEntries(extra.map((code) => [String(code), html('The page, with what went wrong')]));

/** The GHL marketplace app's endpoints; all answer 404 while GHL_* is not configured. */
export const ghlPaths: PathItems = {
  '/integrations/ghl/install': {
    get: {
      summary: 'Start installing the GHL app from Atlas (redirects to GHL chooselocation)',
      tags: TAGS,
      security: [],
      responses: {
        200: {
          description: 'With Accept: application/json, the chooselocation URL to open',
          ...jsonContent({
            type: 'object',
            required: ['url'],
            properties: { url: { type: 'string', format: 'uri' } },
          }),
        },
        302: { description: 'A browser is redirected to GHL chooselocation' },
        ...errorResponses(404),
      },
    },
  },
  '/integrations/ghl/oauth/callback': {
    get: {
      summary: 'GHL redirects here after an install: the code is exchanged and the link page shown',
      tags: TAGS,
      security: [],
      parameters: [
        { name: 'code', in: 'query', required: true, schema: { type: 'string', maxLength: 2048 } },
      ],
      responses: { 200: html('The link page (or "already linked")'), ...page([400]), ...errorResponses(404) },
    },
  },
  '/integrations/ghl/link': {
    post: {
      summary: 'The link page posts the Atlas admin email and password to link the location',
      tags: TAGS,
      security: [],
      requestBody: {
        required: true,
        content: {
          'application/x-www-form-urlencoded': {
            schema: {
              type: 'object',
              required: ['locationId', 'purpose', 'csrf', 'email', 'password'],
              properties: {
                locationId: { type: 'string' },
                purpose: { const: 'ghl-link' },
                csrf: { type: 'string' },
                email: { type: 'string' },
                password: { type: 'string' },
              },
            },
          },
        },
      },
      responses: { 200: html('Linked'), ...page([400, 401, 403, 404, 409, 429]) },
    },
  },
  '/integrations/ghl/webhooks': {
    post: {
      summary:
        "The app's INSTALL / UNINSTALL webhooks (Ed25519 X-GHL-Signature or RSA x-wh-signature over the raw body)",
      tags: TAGS,
      security: [],
      parameters: ['X-GHL-Signature', 'x-wh-signature'].map((name) => ({
        name,
        in: 'header',
        required: false,
        schema: { type: 'string' },
        description: 'base64 signature; at least one must verify',
      })),
      requestBody: { required: true, ...jsonContent({ type: 'object' }) },
      responses: {
        200: {
          description: 'Applied, or a replayed webhookId acknowledged (duplicate: true) without effect',
          ...jsonContent({
            type: 'object',
            required: ['received', 'duplicate'],
            properties: { received: { type: 'boolean' }, duplicate: { type: 'boolean' } },
          }),
        },
        ...errorResponses(400, 401, 404),
      },
    },
  },
  '/integrations/ghl/triggers': {
    post: {
      summary: 'GHL workflow trigger subscriptions: CREATED, UPDATED, DELETED',
      tags: TAGS,
      security: [],
      parameters: [sharedSecret],
      requestBody: { required: true, ...jsonContent(ref('GhlTriggerSubscription.json')) },
      responses: {
        200: {
          description: 'The Atlas subscription (provider ghl) now follows the trigger; null once deleted',
          ...jsonContent({
            type: 'object',
            required: ['ok', 'eventType', 'subscriptionId'],
            properties: {
              ok: { const: true },
              eventType: { enum: ['CREATED', 'UPDATED', 'DELETED'] },
              subscriptionId: { type: ['string', 'null'] },
            },
          }),
        },
        ...errorResponses(400, 401, 403, 404, 422),
      },
    },
  },
  '/integrations/ghl/actions/{key}': {
    post: {
      summary:
        'Run an Atlas workflow action: atlas_start_call, atlas_buy_extra_minutes, atlas_update_account, atlas_cancel_call',
      tags: TAGS,
      security: [],
      parameters: [
        sharedSecret,
        {
          name: 'key',
          in: 'path',
          required: true,
          schema: {
            enum: [
              'atlas_start_call',
              'atlas_buy_extra_minutes',
              'atlas_update_account',
              'atlas_cancel_call',
            ],
          },
        },
      ],
      requestBody: { required: true, ...jsonContent(ref('GhlActionRequest.json')) },
      responses: {
        200: { description: 'Done (update account, cancel call)', ...jsonContent(flatObject) },
        201: {
          description: 'Call queued or minutes bought (a replay of the same execution: the same answer)',
          ...jsonContent(flatObject),
        },
        202: { description: 'Purchase pending: pay at checkoutUrl', ...jsonContent(flatObject) },
        ...errorResponses(400, 401, 402, 403, 404, 409, 422, 502),
      },
    },
  },
  '/integrations/ghl/options/campaigns': {
    get: {
      summary: 'The Campaign dropdown of the GHL app',
      tags: TAGS,
      security: [],
      parameters: [
        sharedSecret,
        { name: 'locationId', in: 'query', required: true, schema: { type: 'string' } },
      ],
      responses: {
        200: {
          description: 'The linked account’s campaigns',
          ...jsonContent({
            type: 'object',
            required: ['options'],
            properties: {
              options: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['label', 'value'],
                  properties: { label: { type: 'string' }, value: { type: 'string' } },
                },
              },
            },
          }),
        },
        ...errorResponses(400, 401, 403, 404),
      },
    },
  },
};
