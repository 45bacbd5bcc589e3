import { type PathItems, errorResponses } from '../openapiParts';

/** Liveness and readiness. */
export const healthPaths: PathItems = {
  '/healthz': {
    get: {
      summary: 'Liveness',
      tags: ['Operations'],
      security: [],
      responses: { 200: { description: 'Alive' } },
    },
  },
  '/readyz': {
    get: {
      summary: 'Readiness (database reachable)',
      tags: ['Operations'],
      security: [],
      responses: { 200: { description: 'Ready' }, ...errorResponses(503) },
    },
  },
};
