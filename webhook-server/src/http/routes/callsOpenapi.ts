import {
  errorResponses as errors,
  idempotencyKey,
  jsonContent as json,
  pathId,
  ref,
  type PathItems,
} from '../openapiParts';

/** The call operations. */
export const callsPaths: PathItems = {
  '/v1/api/calls': {
    post: {
      summary: 'Start a Call: queue an AI call to one person in a campaign',
      tags: ['Calls'],
      parameters: [idempotencyKey(false)],
      requestBody: { required: true, ...json(ref('CallCreate.json')) },
      responses: {
        201: { description: 'Queued', ...json(ref('Call.json')) },
        ...errors(400, 401, 402, 409, 422),
      },
    },
  },
  '/v1/api/calls/{id}': {
    get: {
      summary: 'Read a call',
      tags: ['Calls'],
      parameters: [pathId()],
      responses: { 200: { description: 'The call', ...json(ref('Call.json')) }, ...errors(401, 404) },
    },
  },
};
