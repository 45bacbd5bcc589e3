import {
  errorResponses as errors,
  idempotencyKey,
  jsonContent as json,
  pageParams,
  pathId,
  ref,
  type PathItems,
} from '../openapiParts';
import { CALL_STATUSES } from '../../domain/callLifecycle';

/** What the calling platform receives at ATLAS_PLATFORM_URL (production dispatch; see docs/calls.md). */
const platformRequest = (summary: string, schema: Parameters<typeof ref>[0]) => ({
  'https://platform.atlas.example/calls': {
    post: {
      summary,
      description:
        'Sent to ATLAS_PLATFORM_URL with Standard Webhooks headers (webhook-id, webhook-timestamp, webhook-signature, signed with ATLAS_PLATFORM_SECRET) and an Idempotency-Key header. Retried until a 2xx.',
      requestBody: { required: true, ...json(ref(schema)) },
      responses: { 200: { description: 'Accepted (any 2xx); anything else is retried' } },
    },
  },
});

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
      callbacks: {
        platformDispatch: platformRequest(
          'The call handed to the calling platform',
          'PlatformCallDispatch.json',
        ),
      },
    },
    get: {
      summary: 'List calls, newest first',
      tags: ['Calls'],
      parameters: [
        { name: 'campaignId', in: 'query', schema: { type: 'string' }, description: 'Only this campaign' },
        {
          name: 'status',
          in: 'query',
          schema: { type: 'string', enum: CALL_STATUSES },
          description: 'Only calls with this status',
        },
        {
          name: 'createdAfter',
          in: 'query',
          schema: { type: 'string', format: 'date-time' },
          description: 'Only calls created after this instant',
        },
        ...pageParams,
      ],
      responses: {
        200: { description: 'One page of calls', ...json(ref('CallList.json')) },
        ...errors(400, 401),
      },
    },
  },
  '/v1/api/calls/{id}': {
    get: {
      summary: 'Read a call: status, duration, summary, transcript and recording URL',
      tags: ['Calls'],
      parameters: [pathId()],
      responses: { 200: { description: 'The call', ...json(ref('Call.json')) }, ...errors(401, 404) },
    },
  },
  '/v1/api/calls/{id}/cancel': {
    post: {
      summary: 'Cancel a call that is queued or dispatched; it is never debited',
      tags: ['Calls'],
      parameters: [pathId()],
      responses: {
        200: { description: 'The canceled call (also when it already was)', ...json(ref('Call.json')) },
        ...errors(401, 404, 409),
      },
      callbacks: {
        platformCancel: platformRequest(
          'The calling platform told not to place the call (when it may already hold it)',
          'PlatformCallCancel.json',
        ),
      },
    },
  },
};
