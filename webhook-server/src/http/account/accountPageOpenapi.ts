import { errorResponses, jsonContent, ref, type PathItems } from '../openapiParts';

const sessionNote =
  'Called by the Account page with its session cookie (sign in at /account); without a live session it answers 401.';

const statsResponses = {
  200: { description: 'Counted by the server', ...jsonContent(ref('DeliveryStats.json')) },
  ...errorResponses(401),
};

/** The Account page's JSON (its charts and live tail), the delivery statistics, and uploaded pictures. */
export const accountPagePaths: PathItems = {
  '/v1/api/events-gateway/deliveries/stats': {
    get: {
      summary: 'Deliveries per hour by outcome and attempt latency (p50, p95) over the last 24 hours',
      tags: ['Hooks'],
      responses: statsResponses,
    },
  },
  '/account/integrations/stats.json': {
    get: {
      summary: 'The Integrations tab charts: the same numbers as /v1/api/events-gateway/deliveries/stats',
      description: sessionNote,
      tags: ['Account page'],
      security: [],
      responses: statsResponses,
    },
  },
  '/account/integrations/tail.json': {
    get: {
      summary:
        'The live tail: the account’s latest events after an event id, and again those of the last 10 s (one may commit after a newer one); oldest first',
      description: sessionNote,
      tags: ['Account page'],
      security: [],
      parameters: [
        {
          name: 'after',
          in: 'query',
          schema: { type: 'string', pattern: '^evt_' },
          description: 'The newest event id already shown',
        },
      ],
      responses: {
        200: {
          description: 'Up to 20 events',
          ...jsonContent({
            type: 'object',
            required: ['data', 'nextCursor'],
            properties: {
              data: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['id', 'triggerName', 'campaignId', 'createdAt'],
                  properties: {
                    id: { type: 'string' },
                    triggerName: ref('TriggerName.json'),
                    campaignId: { type: ['string', 'null'] },
                    createdAt: { type: 'string', format: 'date-time' },
                  },
                },
              },
              nextCursor: { type: 'null' },
            },
          }),
        },
        ...errorResponses(400, 401),
      },
    },
  },
  '/account/integrations/stream': {
    get: {
      summary: 'The live tail as Server-Sent Events: the same feed as /v1/api/events-gateway/stream',
      description: `${sessionNote} It ends when the session does.`,
      tags: ['Account page'],
      security: [],
      parameters: [
        {
          name: 'after',
          in: 'query',
          schema: { type: 'string', pattern: '^evt_' },
          description: 'Resume after this event id (or send Last-Event-ID)',
        },
      ],
      responses: {
        200: {
          description: 'An event stream',
          content: { 'text/event-stream': { schema: { type: 'string' } } },
        },
        ...errorResponses(400, 401),
        429: { description: 'Too many open streams for this account', ...jsonContent(ref('Error.json')) },
      },
    },
  },
  '/media/profile-pictures/{id}': {
    get: {
      summary: 'An uploaded profile picture (the account’s profilePictureUrl)',
      description: 'PNG, JPEG or WebP as its bytes proved at upload, with X-Content-Type-Options: nosniff.',
      tags: ['Account page'],
      security: [],
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      responses: {
        200: {
          description: 'The picture',
          content: { 'image/png': {}, 'image/jpeg': {}, 'image/webp': {} },
        },
        ...errorResponses(404),
      },
    },
  },
};
