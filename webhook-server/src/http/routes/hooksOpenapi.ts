import { errorResponses, jsonContent, listOf, pageParams, ref, type PathItems } from '../openapiParts';

/** The REST-hook subscription and delivery operations. */
export const hooksPaths: PathItems = {
  '/v1/api/events-gateway/trigger/subscribe': {
    post: {
      summary: 'Subscribe a REST hook to a trigger',
      description:
        'Deliveries are POSTed to hookUrl as a JSON array holding the event, signed with Standard Webhooks headers using the returned secret. Subscribing the same hookUrl, triggerName and campaignId again returns the existing subscription with 200.',
      tags: ['Hooks'],
      requestBody: { required: true, ...jsonContent(ref('SubscribeRequest.json')) },
      responses: {
        200: {
          description: 'Already subscribed: the existing subscription',
          ...jsonContent(ref('Subscription.json')),
        },
        201: { description: 'Subscribed', ...jsonContent(ref('Subscription.json')) },
        ...errorResponses(400, 401, 422),
      },
    },
  },
  '/v1/api/events-gateway/trigger/unsubscribe': {
    delete: {
      summary: 'Remove a subscription, by id or by Atlas’s {hookUrl, triggerName, campaignId, provider}',
      tags: ['Hooks'],
      requestBody: { required: true, ...jsonContent(ref('UnsubscribeRequest.json')) },
      responses: {
        200: { description: 'Removed', ...jsonContent({ type: 'object' }) },
        ...errorResponses(400, 401, 404),
      },
    },
  },
  '/v1/api/events-gateway/trigger/subscriptions': {
    get: {
      summary: "This account's subscriptions (without secrets)",
      tags: ['Hooks'],
      parameters: pageParams,
      responses: {
        200: { description: 'A page of subscriptions', ...listOf('Subscription.json') },
        ...errorResponses(400, 401),
      },
    },
  },
  '/v1/api/events-gateway/trigger/sample': {
    get: {
      summary: 'Latest events of a trigger, newest first, or its documented sample (performList)',
      tags: ['Hooks'],
      parameters: [
        { name: 'triggerName', in: 'query', required: true, schema: ref('TriggerName.json') },
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 25, default: 3 } },
      ],
      responses: {
        200: {
          description: 'Events exactly as deliveries carry them',
          ...jsonContent({ type: 'array', items: ref('EventEnvelope.json') }),
        },
        ...errorResponses(400, 401),
      },
    },
  },
  '/v1/api/events-gateway/deliveries': {
    get: {
      summary: 'Deliveries with their attempts, newest first',
      tags: ['Hooks'],
      parameters: [
        { name: 'subscriptionId', in: 'query', schema: { type: 'string' } },
        {
          name: 'status',
          in: 'query',
          schema: { type: 'string', enum: ['pending', 'delivered', 'dead', 'cancelled'] },
        },
        ...pageParams,
      ],
      responses: {
        200: { description: 'A page of deliveries', ...listOf('Delivery.json') },
        ...errorResponses(400, 401),
      },
    },
  },
  '/v1/api/events-gateway/deliveries/{id}/replay': {
    post: {
      summary: 'Send a dead (or delivered) delivery again, with a fresh retry schedule',
      tags: ['Hooks'],
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      responses: {
        200: { description: 'Queued again', ...jsonContent(ref('Delivery.json')) },
        ...errorResponses(401, 404, 409),
      },
    },
  },
  '/metrics': {
    get: {
      summary: 'Prometheus metrics (deliveries by outcome, attempt latency, due backlog)',
      tags: ['Operations'],
      security: [],
      responses: { 200: { description: 'Prometheus text format' } },
    },
  },
};
