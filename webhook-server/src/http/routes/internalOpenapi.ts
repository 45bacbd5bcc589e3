import { type PathItems, errorResponses, jsonContent, ref } from '../openapiParts';

/** The calling platform's report operations (service token). */
export const internalPaths: PathItems = {
  '/v1/internal/call-events': {
    post: {
      summary: 'The calling platform reports call_started / call_completed (service token)',
      description:
        'The body may be up to 2 MB (a transcript of up to 500,000 characters); the API routes accept 256 kB.',
      tags: ['Platform'],
      security: [{ serviceToken: [] }],
      requestBody: { required: true, ...jsonContent(ref('CallEventReport.json')) },
      responses: {
        200: { description: 'Already applied; nothing changed' },
        201: { description: 'Applied' },
        ...errorResponses(400, 401, 409, 422, 503),
      },
    },
  },
  '/v1/internal/message-events': {
    post: {
      summary: 'The calling platform reports message_received / message_sent (service token)',
      tags: ['Platform'],
      security: [{ serviceToken: [] }],
      requestBody: { required: true, ...jsonContent(ref('MessageEventReport.json')) },
      responses: {
        200: { description: 'Already applied; nothing changed' },
        201: { description: 'Applied' },
        ...errorResponses(400, 401, 422, 503),
      },
    },
  },
};
