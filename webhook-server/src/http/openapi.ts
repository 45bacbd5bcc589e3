import { schemaFiles } from '../../../schemas/generated/registry';
import { accountPagePaths } from './account/accountPageOpenapi';
import { ghlPaths } from './ghl/ghlOpenapi';
import { oauthPaths } from './oauth/openapi';
import {
  componentName,
  errorResponses,
  jsonContent,
  ref,
  type Json,
  type PathItems,
  type SchemaFile,
} from './openapiParts';
import { accountPaths } from './routes/accountOpenapi';
import { billingPaths } from './routes/billingOpenapi';
import { callsPaths } from './routes/callsOpenapi';
import { campaignsPaths } from './routes/campaignsOpenapi';
import { developerPaths } from './routes/developerOpenapi';
import { healthPaths } from './routes/healthOpenapi';
import { hooksPaths } from './routes/hooksOpenapi';
import { internalPaths } from './routes/internalOpenapi';

/** Every route module's operations, in the order the document shows them. Add a module here. */
const PATH_MODULES: PathItems[] = [
  accountPaths,
  campaignsPaths,
  callsPaths,
  billingPaths,
  hooksPaths,
  developerPaths,
  oauthPaths,
  internalPaths,
  ghlPaths,
  healthPaths,
  accountPagePaths,
];

/** The modules' operations in one paths object; two modules documenting one operation is a bug. */
function assemblePaths(): PathItems {
  const paths: PathItems = {};
  for (const module of PATH_MODULES)
    for (const [path, operations] of Object.entries(module))
      for (const [method, operation] of Object.entries(operations)) {
        if (paths[path]?.[method])
          throw new Error(`OpenAPI: ${method.toUpperCase()} ${path} is documented twice`);
        paths[path] = { ...paths[path], [method]: operation };
      }
  return paths;
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

/** operationId from method and path when an operation names none: GET /v1/api/campaigns/{id} → getCampaignsId. */
function operationId(method: string, path: string): string {
  const words = path
    .replace(/^\/v1\/(api|internal)\//, '')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return method + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

/**
 * The client errors every operation of a kind can answer, whether or not its module lists them:
 * a JSON body that is too large (413) or undecodable (415); on /v1, a path or query the request
 * checks refuse (400), and anywhere a path parameter that does not decode (400); on /v1/api, the
 * per-credential rate limit (429). OAuth operations answer
 * the body errors as their own 400.
 */
function withSharedErrors(method: string, path: string, op: Json): Json {
  const responses = { ...(op.responses as Json) };
  if (JSON.stringify(responses).includes('OAuthError')) return op;
  const content = (op.requestBody as { content?: Json } | undefined)?.content;
  // The API's JSON parser reads the body of every /v1 write, documented or not.
  const readsJson = !!content?.['application/json'] || (path.startsWith('/v1/') && method !== 'get');
  const codes = [
    ...(path.startsWith('/v1/') || path.includes('{') ? [400] : []),
    ...(path.startsWith('/v1/api/') ? [429] : []),
    ...(readsJson ? [400, 413, 415] : []),
  ];
  for (const [code, response] of Object.entries(errorResponses(...codes)))
    if (!responses[code]) responses[code] = response;
  return codes.length ? { ...op, responses } : op;
}

function withOperationIds(all: PathItems): PathItems {
  return Object.fromEntries(
    Object.entries(all).map(([path, operations]) => [
      path,
      Object.fromEntries(
        Object.entries(operations).map(([method, op]) => [
          method,
          { operationId: operationId(method, path), ...withSharedErrors(method, path, op) },
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
              ...jsonContent({ type: 'array', minItems: 1, maxItems: 1, items: ref(file as SchemaFile) }),
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
    paths: withOperationIds(assemblePaths()),
    webhooks: webhooks(),
  };
}
