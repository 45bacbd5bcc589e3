import { schemaFiles } from '../../../schemas/generated/registry';

type Json = Record<string, unknown>;
type SchemaFile = keyof typeof schemaFiles;

/** Component name of a schema file: its title (Account, ApiError, MinutesLowEvent, …). */
function componentName(file: string): string {
  const schema = schemaFiles[file as SchemaFile] as { title?: string } | undefined;
  if (!schema?.title) throw new Error(`Schema ${file} needs a title to appear in the OpenAPI document`);
  return schema.title;
}

/** Rewrites file refs ("Plan.json", "../Account.json") to component refs, dropping $id and $schema. */
function toComponent(node: unknown, file: string): unknown {
  if (Array.isArray(node)) return node.map((item) => toComponent(item, file));
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$id' || key === '$schema') continue;
    if (key === '$ref' && typeof value === 'string' && value.endsWith('.json')) {
      const target = new URL(value, `file:///${file}`).pathname.slice(1);
      out.$ref = `#/components/schemas/${componentName(target)}`;
    } else {
      out[key] = toComponent(value, file);
    }
  }
  return out;
}

export const ref = (file: SchemaFile) => ({ $ref: `#/components/schemas/${componentName(file)}` });
const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });
const listOf = (file: SchemaFile) =>
  json({
    type: 'object',
    required: ['data', 'nextCursor'],
    properties: { data: { type: 'array', items: ref(file) }, nextCursor: { type: ['string', 'null'] } },
  });

const errors = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((code) => [
      String(code),
      { description: ERROR_TEXT[code] ?? 'Error', ...json(ref('Error.json')) },
    ]),
  );
const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid request: details names each field to fix',
  401: 'Missing, invalid or revoked credentials',
  402: 'No call time left',
  404: 'Not found in this account',
  409: 'Conflicts with existing data',
  422: 'Well-formed but not acceptable',
  503: 'Not available',
};

const pageParams = [
  { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 50 } },
  { name: 'cursor', in: 'query', schema: { type: 'string' }, description: 'nextCursor of the previous page' },
];

/** Operations by path and method; later modules add theirs with addPaths. */
const paths: Record<string, Record<string, Json>> = {
  '/v1/api/account': {
    get: {
      summary: 'Read the account',
      tags: ['Account'],
      responses: { 200: { description: 'The account', ...json(ref('Account.json')) }, ...errors(401) },
    },
    patch: {
      summary: 'Update account details (emits account_updated)',
      tags: ['Account'],
      requestBody: { required: true, ...json(ref('AccountUpdate.json')) },
      responses: {
        200: { description: 'The updated account', ...json(ref('Account.json')) },
        ...errors(400, 401, 409),
      },
    },
  },
  '/v1/api/plans': {
    get: {
      summary: 'The plan catalogue',
      tags: ['Account'],
      responses: { 200: { description: 'Plans', ...listOf('Plan.json') }, ...errors(401) },
    },
  },
  '/v1/api/usage': {
    get: {
      summary: 'Call-time usage of the current billing period',
      tags: ['Account'],
      responses: { 200: { description: 'Usage', ...json(ref('Usage.json')) }, ...errors(401) },
    },
  },
  '/v1/api/campaigns': {
    get: {
      summary: 'List campaigns',
      tags: ['Campaigns'],
      parameters: pageParams,
      responses: {
        200: { description: 'A page of campaigns', ...listOf('Campaign.json') },
        ...errors(400, 401),
      },
    },
  },
  '/v1/api/campaigns/{id}': {
    get: {
      summary: 'Read a campaign',
      tags: ['Campaigns'],
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      responses: { 200: { description: 'The campaign', ...json(ref('Campaign.json')) }, ...errors(401, 404) },
    },
  },
  '/v1/internal/call-events': {
    post: {
      summary: 'The calling platform reports call_started / call_completed (service token)',
      tags: ['Platform'],
      security: [{ serviceToken: [] }],
      requestBody: { required: true, ...json(ref('CallEventReport.json')) },
      responses: {
        200: { description: 'Already applied; nothing changed' },
        201: { description: 'Applied' },
        ...errors(400, 401, 409, 422, 503),
      },
    },
  },
  '/v1/internal/message-events': {
    post: {
      summary: 'The calling platform reports message_received / message_sent (service token)',
      tags: ['Platform'],
      security: [{ serviceToken: [] }],
      requestBody: { required: true, ...json(ref('MessageEventReport.json')) },
      responses: {
        200: { description: 'Already applied; nothing changed' },
        201: { description: 'Applied' },
        ...errors(400, 401, 422, 503),
      },
    },
  },
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
      responses: { 200: { description: 'Ready' }, ...errors(503) },
    },
  },
};

export function addPaths(more: Record<string, Record<string, Json>>): void {
  for (const [path, operations] of Object.entries(more)) paths[path] = { ...paths[path], ...operations };
}

export { errors as errorResponses, json as jsonContent, listOf };

/** operationId from method and path when an operation names none: GET /v1/api/campaigns/{id} → getCampaignsId. */
function operationId(method: string, path: string): string {
  const words = path
    .replace(/^\/v1\/(api|internal)\//, '')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return method + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

function withOperationIds(all: typeof paths): typeof paths {
  return Object.fromEntries(
    Object.entries(all).map(([path, operations]) => [
      path,
      Object.fromEntries(
        Object.entries(operations).map(([method, op]) => [
          method,
          { operationId: operationId(method, path), ...op },
        ]),
      ),
    ]),
  );
}

/** Each event as an OpenAPI 3.1 webhook: what a subscriber's hookUrl receives, a JSON array of one event. */
function webhooks(): Json {
  const events = Object.keys(schemaFiles).filter((file) => file.startsWith('events/'));
  return Object.fromEntries(
    events.map((file) => {
      const triggerName = file.slice('events/'.length, -'.json'.length);
      const schema = schemaFiles[file as SchemaFile] as { description?: string };
      return [
        triggerName,
        {
          post: {
            operationId: `deliver_${triggerName}`,
            summary: schema.description,
            parameters: ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => ({
              name,
              in: 'header',
              required: true,
              schema: { type: 'string' },
              description: 'Standard Webhooks signature header',
            })),
            requestBody: {
              required: true,
              ...json({ type: 'array', minItems: 1, maxItems: 1, items: ref(file as SchemaFile) }),
            },
            responses: {
              200: {
                description:
                  'Received (any 2xx). 410 Gone removes the subscription; other answers are retried.',
              },
              410: { description: 'The receiver is gone: the subscription is removed' },
            },
          },
        },
      ];
    }),
  );
}

/** The OpenAPI 3.1 document, assembled from the same schemas that validate requests. */
export function openApiDocument(serverUrl: string): Json {
  const schemas = Object.fromEntries(
    Object.entries(schemaFiles).map(([file, schema]) => [componentName(file), toComponent(schema, file)]),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'atlas-connect API',
      version: '1.0.0',
      description:
        'The Atlas integration API: account, usage, campaigns, REST-hook subscriptions and the calling platform reports. Errors are {statusCode, error, message, details?}; lists are {data, nextCursor}.',
    },
    servers: [{ url: serverUrl }],
    security: [{ apiKey: [] }, { bearer: [] }],
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'api-key' },
        bearer: { type: 'http', scheme: 'bearer', description: 'OAuth2 access token' },
        clientBasic: { type: 'http', scheme: 'basic', description: 'OAuth client_id:client_secret' },
        serviceToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'ATLAS_SERVICE_TOKEN of the calling platform',
        },
      },
      schemas,
    },
    paths: withOperationIds(paths),
    webhooks: webhooks(),
  };
}
