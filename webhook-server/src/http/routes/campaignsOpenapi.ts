import {
  type PathItems,
  errorResponses,
  jsonContent,
  listOf,
  pageParams,
  pathId,
  ref,
} from '../openapiParts';

/** The campaign operations. */
export const campaignsPaths: PathItems = {
  '/v1/api/campaigns': {
    get: {
      summary: 'List campaigns',
      tags: ['Campaigns'],
      parameters: pageParams,
      responses: {
        200: { description: 'A page of campaigns', ...listOf('Campaign.json') },
        ...errorResponses(400, 401),
      },
    },
  },
  '/v1/api/campaigns/{id}': {
    get: {
      summary: 'Read a campaign',
      tags: ['Campaigns'],
      parameters: [pathId()],
      responses: {
        200: { description: 'The campaign', ...jsonContent(ref('Campaign.json')) },
        ...errorResponses(401, 404),
      },
    },
  },
};
