/**
 * The operations of /openapi.json as the fuzz suite walks them: every path and method the
 * document lists, with what it takes (parameters, body) and how it authenticates. Nothing here
 * names a route, so operations other modules add are fuzzed as soon as they are documented.
 */
export type Json = Record<string, any>;
export type Credential = 'apiKey' | 'serviceToken' | 'clientBasic' | 'none';

export interface FuzzParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: Json;
}

export interface FuzzOperation {
  method: string;
  path: string;
  parameters: FuzzParameter[];
  /** Media type → schema of the documented request body. */
  body: Record<string, Json>;
  credential: Credential;
  responses: Record<string, Json>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function credentialOf(security: Json[] | undefined): Credential {
  const schemes = (security ?? []).flatMap((requirement) => Object.keys(requirement));
  if (schemes.includes('apiKey') || schemes.includes('bearer')) return 'apiKey';
  if (schemes.includes('serviceToken')) return 'serviceToken';
  if (schemes.includes('clientBasic')) return 'clientBasic';
  return 'none';
}

export function operationsOf(document: Json): FuzzOperation[] {
  const operations: FuzzOperation[] = [];
  for (const [path, item] of Object.entries(document.paths as Json))
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const content: Json = op.requestBody?.content ?? {};
      operations.push({
        method,
        path,
        parameters: [...(item.parameters ?? []), ...(op.parameters ?? [])],
        body: Object.fromEntries(Object.entries(content).map(([type, media]) => [type, media.schema ?? {}])),
        credential: credentialOf(op.security ?? document.security),
        responses: op.responses ?? {},
      });
    }
  return operations;
}

/** Follows a `#/components/schemas/…` reference. */
export function resolve(document: Json, schema: Json | undefined): Json {
  let current = schema ?? {};
  for (let hops = 0; current.$ref && hops < 20; hops += 1)
    current = document.components.schemas[String(current.$ref).split('/').pop()!] ?? {};
  return current;
}

/** A plausible value for a schema (a request that might pass), which the fuzz then breaks. */
export function sampleOf(document: Json, schema: Json | undefined, depth = 0): unknown {
  const s = resolve(document, schema);
  if (depth > 6) return null;
  if ('const' in s) return s.const;
  if (s.enum) return s.enum[0];
  if (s.examples?.length) return s.examples[0];
  if (s.default !== undefined) return s.default;
  const variants = s.anyOf ?? s.oneOf;
  if (variants) return sampleOf(document, variants[0], depth + 1);
  const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== 'null') : s.type;
  switch (type ?? (s.properties ? 'object' : undefined)) {
    case 'object':
      return Object.fromEntries(
        Object.entries((s.properties ?? {}) as Json).map(([name, child]) => [
          name,
          sampleOf(document, child, depth + 1),
        ]),
      );
    case 'array':
      return [sampleOf(document, s.items, depth + 1)];
    case 'integer':
    case 'number':
      return s.minimum ?? 1;
    case 'boolean':
      return true;
    case 'string':
      return stringSample(s);
    default:
      return null;
  }
}

function stringSample(s: Json): string {
  if (s.format === 'uri') return 'https://93.184.215.14/hooks/fuzz';
  if (s.format === 'date-time') return new Date().toISOString();
  if (s.format === 'email') return 'fuzz@example.com';
  if (typeof s.pattern === 'string' && s.pattern.startsWith('^\\+')) return '+14155550123';
  return 'fuzz'.padEnd(s.minLength ?? 0, 'z');
}
