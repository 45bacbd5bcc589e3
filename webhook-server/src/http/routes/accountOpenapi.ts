import { type PathItems, errorResponses, jsonContent, listOf, ref } from '../openapiParts';

/** The account, plan catalogue and usage operations. */
export const accountPaths: PathItems = {
  '/v1/api/account': {
    get: {
      summary: 'Read the account',
      tags: ['Account'],
      responses: {
        200: { description: 'The account', ...jsonContent(ref('Account.json')) },
        ...errorResponses(401),
      },
    },
    patch: {
      summary: 'Update account details (emits account_updated)',
      tags: ['Account'],
      requestBody: { required: true, ...jsonContent(ref('AccountUpdate.json')) },
      responses: {
        200: { description: 'The updated account', ...jsonContent(ref('Account.json')) },
        ...errorResponses(400, 401, 409),
      },
    },
  },
  '/v1/api/plans': {
    get: {
      summary: 'The plan catalogue',
      tags: ['Account'],
      responses: { 200: { description: 'Plans', ...listOf('Plan.json') }, ...errorResponses(401) },
    },
  },
  '/v1/api/usage': {
    get: {
      summary: 'Call-time usage of the current billing period',
      tags: ['Account'],
      responses: { 200: { description: 'Usage', ...jsonContent(ref('Usage.json')) }, ...errorResponses(401) },
    },
  },
};
