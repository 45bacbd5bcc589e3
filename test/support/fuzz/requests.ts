import { deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { resolve, sampleOf, type FuzzOperation, type FuzzParameter, type Json } from './operations';

/** What the fuzz knows of the server's data, so some requests get past authentication and lookups. */
export interface FuzzWorld {
  apiKey: string;
  otherApiKey: string;
  serviceToken: string;
  clientId: string;
  clientSecret: string;
  /** Ids that exist (this tenant's and another tenant's), for path parameters. */
  knownIds: string[];
}

export interface FuzzRequest {
  method: string;
  /** Path and query, already percent-encoded (or deliberately mis-encoded). */
  url: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** What was done to the request, for the failure report. */
  mutation: string;
}

const LONG = 'x'.repeat(10_000);
/** Strings that break storage, parsers, renderers or assumptions. */
const HOSTILE_STRINGS = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\u0007bell',
  '\u001b[31mred',
  'line\u2028sep',
  '\ufeffbom',
  '\u202eevil',
  '',
  ' ',
  LONG,
  '💩'.repeat(200),
  "' OR 1=1 --",
  '"; DROP TABLE accounts; --',
  '../../etc/passwd',
  '%00',
  '%ZZ',
  '<script>alert(1)</script>',
  '${jndi:ldap://127.0.0.1/a}',
  '{{7*7}}',
  'null',
  '-1',
  '1e309',
  'https://[::a9fe:a9fe]/latest/meta-data/',
  'http://127.0.0.1:22/',
];
const HOSTILE_VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  2 ** 53 + 1,
  [],
  [null],
  {},
  { nested: { deeper: ['\u0000'] } },
  Array.from({ length: 2000 }, (_, i) => i),
];

const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_VALUES) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

/** A path parameter: a real id, a plausible one, or one that breaks decoding, storage or routing. */
function pathValue(world: FuzzWorld): fc.Arbitrary<[string, string]> {
  return fc.oneof(
    fc.constantFrom(...world.knownIds).map((id): [string, string] => [encodeURIComponent(id), 'a known id']),
    fc
      .constantFrom('cmp_01ARZ3NDEKTSV4RRFFQ69G5FAV', 'del_01ARZ3NDEKTSV4RRFFQ69G5FAV')
      .map((id): [string, string] => [id, 'an unknown id']),
    hostileString.map((s): [string, string] => [
      percentEncode(s) || '%20',
      `id ${JSON.stringify(s).slice(0, 60)}`,
    ]),
    fc
      .constantFrom('%ZZ', '%', '%E0%A4%A', '%ED%A0%80', '%C0%AF', '..', '.', '%2e%2e', 'x'.repeat(3000))
      .map((raw): [string, string] => [raw, `raw id ${raw.slice(0, 40)}`]),
  );
}

function queryPart(document: Json, param: FuzzParameter): fc.Arbitrary<string | undefined> {
  const name = encodeURIComponent(param.name);
  return fc.oneof(
    fc.constant(undefined),
    fc.constant(`${name}=${encodeURIComponent(String(sampleOf(document, param.schema)))}`),
    hostileString.map((s) => `${name}=${percentEncode(s)}`),
    fc.constantFrom('%ZZ', '%', '1&' + name + '=2', '', '-5', '999999999999').map((raw) => `${name}=${raw}`),
  );
}

/** Replaces the value at one path of a (sample) body, or adds an unknown field. */
function mutateAt(body: unknown, value: unknown, pick: number): [unknown, string] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return [value, 'the whole body'];
  const paths: string[][] = [];
  const walk = (node: unknown, at: string[]) => {
    if (!node || typeof node !== 'object') return;
    for (const [key, child] of Object.entries(node)) {
      paths.push([...at, key]);
      if (at.length < 3) walk(child, [...at, key]);
    }
  };
  walk(body, []);
  const copy = structuredClone(body) as Json;
  const path = paths.length ? paths[pick % (paths.length + 1)] : undefined;
  if (!path) {
    copy['unknown\u0000field'] = value;
    return [copy, 'an unknown field'];
  }
  let node: Json = copy;
  for (const key of path.slice(0, -1)) node = node[key];
  node[path[path.length - 1]!] = value;
  return [copy, path.join('.')];
}

/** encodeURIComponent, except that a lone surrogate (which it refuses) goes as its WTF-8 bytes. */
function percentEncode(text: string): string {
  return text
    .split(/([\ud800-\udfff])/)
    .map((part) =>
      /^[\ud800-\udfff]$/.test(part)
        ? Buffer.from([0xed, 0xa0 | ((part.charCodeAt(0) >> 6) & 0x1f), 0x80 | (part.charCodeAt(0) & 0x3f)])
            .toString('hex')
            .replace(/(..)/g, '%$1')
            .toUpperCase()
        : encodeURIComponent(part),
    )
    .join('');
}

const deepNesting = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

interface BodyCase {
  bytes: Buffer;
  headers: Record<string, string>;
  mutation: string;
}

/** A body for an operation that takes one: its sample broken in one field, or broken as a whole. */
function bodyCase(document: Json, op: FuzzOperation): fc.Arbitrary<BodyCase> {
  const types = Object.keys(op.body);
  const type = types.includes('application/json') ? 'application/json' : (types[0] ?? 'application/json');
  const sample = sampleOf(document, resolve(document, op.body[type]));
  const encode = (value: unknown): Buffer =>
    type === 'application/x-www-form-urlencoded'
      ? Buffer.from(
          new URLSearchParams(
            Object.entries((value ?? {}) as Json).map(([k, v]): [string, string] => [
              k,
              typeof v === 'string' ? v : String(JSON.stringify(v)),
            ]),
          ).toString(),
        )
      : Buffer.from(JSON.stringify(value) ?? 'null');
  const json = { 'content-type': type };
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc.tuple(hostileValue, fc.nat()).map(([value, pick]): BodyCase => {
        const [body, where] = mutateAt(sample, value, pick);
        return {
          bytes: encode(body),
          headers: json,
          mutation: `${where} = ${JSON.stringify(value)?.slice(0, 80)}`,
        };
      }),
    },
    {
      weight: 1,
      arbitrary: fc.constant<BodyCase>({
        bytes: encode(sample),
        headers: json,
        mutation: 'the plausible body',
      }),
    },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom(
          '',
          '{',
          '{"a":',
          "{'a':1}",
          '{"a":1,}',
          '[]',
          'null',
          '42',
          '"text"',
          deepNesting(5000),
          `{"__proto__":{"polluted":true}}`,
          `{"a":"${'x'.repeat(300_000)}"}`,
        )
        .map((text): BodyCase => ({
          bytes: Buffer.from(text),
          headers: json,
          mutation: `body ${text.slice(0, 30)}`,
        })),
    },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom(
          ['gzip', Buffer.from('not gzip at all')],
          ['gzip', gzipSync(encode(sample)).subarray(0, 10)],
          ['deflate', Buffer.from('xx')],
          ['deflate', deflateSync(encode(sample))],
          ['br', Buffer.from('nope')],
          ['gzip', gzipSync(encode(sample))],
          ['compress', encode(sample)],
          ['gzip, br', encode(sample)],
        )
        .map(([encoding, bytes]): BodyCase => ({
          bytes: bytes as Buffer,
          headers: { ...json, 'content-encoding': encoding as string },
          mutation: `Content-Encoding ${encoding}`,
        })),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(
          'text/plain',
          'application/json; charset=latin1',
          'application/json; charset=utf-16',
          'multipart/form-data; boundary=x',
          'application/x-www-form-urlencoded',
          'application/xml',
        )
        .map((contentType): BodyCase => ({
          bytes: encode(sample),
          headers: { 'content-type': contentType },
          mutation: `Content-Type ${contentType}`,
        })),
    },
    {
      weight: 1,
      arbitrary: fc.constant<BodyCase>({
        bytes: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc0, 0x22, 0x7d]),
        headers: json,
        mutation: 'invalid UTF-8 bytes',
      }),
    },
  );
}

function credentialHeaders(
  op: FuzzOperation,
  world: FuzzWorld,
): fc.Arbitrary<[Record<string, string>, string]> {
  const valid: Record<string, string> =
    op.credential === 'apiKey'
      ? { 'api-key': world.apiKey }
      : op.credential === 'serviceToken'
        ? { authorization: `Bearer ${world.serviceToken}` }
        : op.credential === 'clientBasic'
          ? {
              authorization: `Basic ${Buffer.from(`${world.clientId}:${world.clientSecret}`).toString('base64')}`,
            }
          : {};
  return fc.oneof(
    { weight: 8, arbitrary: fc.constant<[Record<string, string>, string]>([valid, 'valid credentials']) },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom<Record<string, string>>(
          {},
          { 'api-key': 'atlk_not-a-key' },
          { 'api-key': 'x'.repeat(5000) },
          { authorization: 'Bearer' },
          { authorization: `Bearer ${'y'.repeat(5000)}` },
          { authorization: 'Basic !!!' },
          { authorization: `Basic ${Buffer.from('\u0000:\u0000').toString('base64')}` },
          { 'api-key': world.otherApiKey },
        )
        .map((h): [Record<string, string>, string] => [h, `credentials ${JSON.stringify(h).slice(0, 60)}`]),
    },
  );
}

const extraHeaders = fc.constantFrom<Record<string, string>>(
  {},
  {},
  {},
  { 'idempotency-key': 'fuzz-' + 'k'.repeat(300) },
  { 'idempotency-key': ' spaced key ' },
  { 'idempotency-key': 'cl\u00e9' },
  { 'x-request-id': '../../\u00ff' },
  { accept: 'text/html' },
);

/** One request to one operation of the document, broken in one or more ways. */
export function requestFor(document: Json, op: FuzzOperation, world: FuzzWorld): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const takesBody = Object.keys(op.body).length > 0 || (op.method !== 'get' && op.method !== 'delete');
  const idempotency = op.parameters.some(
    (p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key',
  );
  return fc
    .record({
      ids: fc.tuple(...pathParams.map(() => pathValue(world))),
      query: fc.tuple(
        ...queryParams.map((p) => queryPart(document, p)),
        fc.option(hostileString.map((s) => `unknown=${percentEncode(s)}`)),
      ),
      credentials: credentialHeaders(op, world),
      extra: extraHeaders,
      key: fc.uuid(),
      body: takesBody ? fc.option(bodyCase(document, op), { freq: 8 }) : fc.constant(null),
    })
    .map(({ ids, query, credentials, extra, key, body }) => {
      let path = op.path;
      pathParams.forEach((p, i) => {
        path = path.replace(`{${p.name}}`, ids[i]![0]);
      });
      const search = query.filter((part): part is string => !!part).join('&');
      const headers: Record<string, string> = {
        ...credentials[0],
        ...(idempotency ? { 'idempotency-key': key } : {}),
        ...extra,
        ...(body?.headers ?? {}),
      };
      const mutation = [
        ...ids.map(([, what]) => `path: ${what}`),
        search && `query: ${search.slice(0, 80)}`,
        credentials[1],
        Object.keys(extra).length ? `headers: ${JSON.stringify(extra).slice(0, 60)}` : '',
        body ? `body: ${body.mutation}` : 'no body',
      ]
        .filter(Boolean)
        .join('; ');
      return {
        method: op.method.toUpperCase(),
        url: search ? `${path}?${search}` : path,
        headers,
        ...(body ? { body: body.bytes } : {}),
        mutation,
      };
    });
}
