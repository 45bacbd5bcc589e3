import { schemaFiles } from '../../../schemas/generated/registry';

/*
 * The building blocks of the OpenAPI document. Each route module exports the paths it serves,
 * written with these; http/openapi.ts lists those modules and assembles the document.
 */
export type Json = Record<string, unknown>;
/** Operations by path and method, as in an OpenAPI `paths` object. */
export type PathItems = Record<string, Record<string, Json>>;
export type SchemaFile = keyof typeof schemaFiles;

/** Component name of a schema file: its title (Account, ApiError, MinutesLowEvent, …). */
export function componentName(file: string): string {
  const schema = schemaFiles[file as SchemaFile] as { title?: string } | undefined;
  if (!schema?.title) throw new Error(`Schema ${file} needs a title to appear in the OpenAPI document`);
  return schema.title;
}

export const ref = (file: SchemaFile) => ({ $ref: `#/components/schemas/${componentName(file)}` });
export const jsonContent = (schema: unknown) => ({ content: { 'application/json': { schema } } });
export const listOf = (file: SchemaFile) =>
  jsonContent({
    type: 'object',
    required: ['data', 'nextCursor'],
    properties: { data: { type: 'array', items: ref(file) }, nextCursor: { type: ['string', 'null'] } },
  });

export const errorResponses = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((code) => [
      String(code),
      { description: ERROR_TEXT[code] ?? 'Error', ...jsonContent(ref('Error.json')) },
    ]),
  );
const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid request: details names each field to fix',
  401: 'Missing, invalid or revoked credentials',
  402: 'No call time left',
  404: 'Not found in this account',
  409: 'Conflicts with existing data',
  413: 'The request body is larger than this route accepts',
  415: 'The Content-Encoding or charset is not supported',
  422: 'Well-formed but not acceptable',
  429: 'Too many requests or open streams: wait Retry-After seconds',
  502: 'An upstream service (GHL) failed; retry',
  503: 'Not available',
};

/** The cursor pagination parameters of every list. */
export const pageParams = [
  { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 50 } },
  { name: 'cursor', in: 'query', schema: { type: 'string' }, description: 'nextCursor of the previous page' },
];

export const pathId = (description = 'The resource id') => ({
  name: 'id',
  in: 'path',
  required: true,
  description,
  schema: { type: 'string' },
});

export const idempotencyKey = (required: boolean) => ({
  name: 'Idempotency-Key',
  in: 'header',
  required,
  schema: { type: 'string', minLength: 1, maxLength: 255 },
  description:
    'Same key and body: the stored answer (header Idempotent-Replayed: true), never a second charge. Same key, other body: 422. While the first request runs: 409, retry.',
});
