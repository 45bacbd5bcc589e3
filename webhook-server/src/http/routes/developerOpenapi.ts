import { errorResponses, jsonContent, pathId, ref, type PathItems } from '../openapiParts';

/** The developer tools of the events gateway: test events (and the event stream behind `atlas-connect listen`). */
export const developerPaths: PathItems = {
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
