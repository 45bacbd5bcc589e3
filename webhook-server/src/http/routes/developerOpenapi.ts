import { errorResponses, jsonContent, pathId, ref, type PathItems } from '../openapiParts';

/** The developer tools of the events gateway: test events and the event stream behind `atlas-connect listen`. */
export const developerPaths: PathItems = {
  '/v1/api/events-gateway/stream': {
    get: {
      summary: "The account's events as they happen (Server-Sent Events)",
      description:
        'Each event is an SSE message whose data is the event envelope exactly as deliveries carry it, and whose id is the resume point: reconnect with a Last-Event-ID header to get every event after it, read from the durable events table (nothing missed, nothing repeated; events written by any process appear). Without Last-Event-ID the stream starts with events from now. A comment line is sent every 15 s (heartbeat); the response is not buffered (X-Accel-Buffering: no). An account may hold 5 streams open per API process; one more gets 429. A revoked key or token ends the stream.',
      tags: ['Hooks'],
      parameters: [
        {
          name: 'triggerName',
          in: 'query',
          description: 'Only these triggers (repeat it, or separate with commas); every trigger when absent',
          schema: { type: 'array', items: ref('TriggerName.json') },
          style: 'form',
          explode: true,
        },
        {
          name: 'Last-Event-ID',
          in: 'header',
          description: 'Resume after this id: the id of the last message received',
          schema: { type: 'string', pattern: '^evt_[0-9A-Z]{26}$' },
        },
      ],
      responses: {
        200: {
          description: 'An event stream: `id: <resume point>` and `data: <event envelope JSON>` per event',
          content: { 'text/event-stream': { schema: { type: 'string' } } },
        },
        ...errorResponses(400, 401, 429),
      },
    },
  },
  '/v1/api/events-gateway/trigger/subscriptions/{id}/test': {
    post: {
      summary: 'Send a test event to one subscription',
      description:
        "Records the trigger's documented sample, marked `test: true`, and delivers it to this subscription only, signed and retried like any delivery (it is not shown by the trigger's sample). Read its attempts back with GET /v1/api/events-gateway/deliveries?subscriptionId=.",
      tags: ['Hooks'],
      parameters: [pathId('The subscription id (sub_…)')],
      responses: {
        202: { description: 'Queued for delivery', ...jsonContent(ref('TestEventResult.json')) },
        ...errorResponses(401, 404),
      },
    },
  },
  '/v1/api/test_helpers/message_events': {
    post: {
      summary: 'Test helper: report a message for this account, as the calling platform would',
      description:
        'Not in production (404 there). Applied by the same code as POST /v1/internal/message-events, so message_received or message_sent is recorded and delivered. Omitted fields get sample values.',
      tags: ['Test helpers'],
      requestBody: { required: true, ...jsonContent(ref('TestMessageRequest.json')) },
      responses: {
        201: {
          description: 'Reported',
          ...jsonContent({
            type: 'object',
            required: ['messageId', 'applied'],
            properties: { messageId: { type: 'string' }, applied: { type: 'boolean' } },
          }),
        },
        ...errorResponses(400, 401, 404, 422),
      },
    },
  },
  '/v1/api/test_helpers/usage/minutes_low': {
    post: {
      summary: 'Test helper: use call time until minutes_low fires',
      description:
        'Not in production (404 there). Debits just enough call time from the minute ledger, as a completed call does, for remaining minutes to drop below the highest armed minutes_low threshold; minutes_low then fires to the subscriptions that crossed. 409 when no minutes_low subscription is armed.',
      tags: ['Test helpers'],
      responses: {
        200: { description: 'Call time used', ...jsonContent(ref('TestUsageResult.json')) },
        ...errorResponses(401, 404, 409),
      },
    },
  },
};
