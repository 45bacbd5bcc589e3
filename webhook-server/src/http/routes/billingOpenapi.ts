import {
  errorResponses as errors,
  idempotencyKey,
  jsonContent as json,
  ref,
  type PathItems,
} from '../openapiParts';

/** The billing operations: plans, the customer portal and extra minutes. */
export const billingPaths: PathItems = {
  '/v1/api/billing/checkout': {
    post: {
      summary: 'Choose a plan: a Checkout URL on the free plan, the customer portal on a paid plan',
      tags: ['Billing'],
      requestBody: { required: true, ...json(ref('BillingCheckoutRequest.json')) },
      responses: {
        200: { description: 'Where to send the user', ...json(ref('BillingUrl.json')) },
        ...errors(400, 401, 409),
      },
    },
  },
  '/v1/api/billing/portal': {
    post: {
      summary: 'Manage the subscription (Stripe customer portal)',
      tags: ['Billing'],
      responses: { 200: { description: 'Portal URL', ...json(ref('BillingUrl.json')) }, ...errors(401) },
    },
  },
  '/v1/api/billing/extra-minutes': {
    post: {
      summary: 'Buy extra minutes in 1000-minute blocks (emits minutes_purchased once paid)',
      tags: ['Billing'],
      parameters: [idempotencyKey(true)],
      requestBody: { required: true, ...json(ref('ExtraMinutesPurchaseRequest.json')) },
      responses: {
        201: {
          description: 'Paid with the saved card and credited',
          ...json(ref('ExtraMinutesPurchase.json')),
        },
        202: {
          description:
            'Pending: pay at checkoutUrl (no saved card); credited when Stripe reports the payment',
          ...json(ref('ExtraMinutesPurchase.json')),
        },
        402: {
          description: 'The card was declined or needs the cardholder; nothing charged',
          ...json(ref('Error.json')),
        },
        403: {
          description: 'The plan does not allow extra minutes: upgrade first',
          ...json(ref('Error.json')),
        },
        ...errors(400, 401, 409, 422),
      },
    },
  },
  '/v1/api/billing/extra-minutes/{id}': {
    get: {
      summary: 'Read a purchase of extra minutes (a pending one turns succeeded once paid)',
      tags: ['Billing'],
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      responses: {
        200: { description: 'The purchase', ...json(ref('ExtraMinutesPurchase.json')) },
        ...errors(401, 404),
      },
    },
  },
  '/webhooks/stripe': {
    post: {
      summary: 'Stripe webhooks (Stripe-Signature verified; each event id applied once)',
      description:
        'Only Stripe calls this. A signed event is applied once, or acknowledged with applied: false when its type is not used or it is too malformed to apply (logged). A bad signature, or a signature timestamp more than 5 minutes off either way, is a 400. Failures on our side are 5xx so that Stripe retries.',
      tags: ['Billing'],
      security: [],
      parameters: [
        {
          name: 'Stripe-Signature',
          in: 'header',
          required: true,
          schema: { type: 'string', maxLength: 4096 },
          description: 't=<unix seconds>,v1=<HMAC-SHA256 of t.body with the endpoint secret>',
        },
      ],
      requestBody: {
        required: true,
        description: 'A Stripe Event object, exactly the bytes Stripe signed (up to 1 MB)',
        ...json({
          type: 'object',
          required: ['id', 'type', 'created', 'data'],
          properties: {
            id: { type: 'string' },
            type: { type: 'string' },
            created: { type: 'integer' },
            data: { type: 'object', required: ['object'], properties: { object: { type: 'object' } } },
          },
        }),
      },
      responses: {
        200: {
          description: 'Received: applied, already applied, or acknowledged as not applicable',
          ...json({
            type: 'object',
            required: ['received', 'applied', 'outcome'],
            properties: {
              received: { const: true },
              applied: { type: 'boolean' },
              outcome: { type: 'string' },
            },
          }),
        },
        ...errors(400, 413, 415, 503),
      },
    },
  },
};
