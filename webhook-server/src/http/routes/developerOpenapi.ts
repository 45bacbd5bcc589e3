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
};
