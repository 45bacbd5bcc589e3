import { asText, evaluate, type Scope } from './iml';

/*
 * Runs one request directive of the Make app (communication, attach, detach, RPC, connection
 * step) the way Make does: temp, condition, base URL and headers from general/base, qs, body by
 * type, then the response directives (error by status, iterate, output, limit, data, expires,
 * uid, metadata) and pagination. Directives the app does not use are refused, so a test never
 * passes over something it did not run.
 */

export class MakeError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly statusCode?: number,
  ) {
    super(message);
  }
}

export interface SentRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

export interface RunResult {
  outputs: unknown[];
  data?: Record<string, unknown>;
  expires?: unknown;
  uid?: unknown;
  metadata?: unknown;
  skipped?: boolean;
  requests: SentRequest[];
  /** The last response's parsed body, for tests that check what the server answered. */
  body?: unknown;
}

const REQUEST_KEYS = new Set([
  'url',
  'method',
  'headers',
  'qs',
  'body',
  'type',
  'temp',
  'condition',
  'response',
  'pagination',
  'log',
]);
const RESPONSE_KEYS = new Set([
  'output',
  'iterate',
  'limit',
  'error',
  'temp',
  'data',
  'expires',
  'uid',
  'metadata',
]);
const MAX_PAGES = 10;

function refuseUnknown(spec: Record<string, unknown>, allowed: Set<string>, where: string) {
  for (const key of Object.keys(spec))
    if (!allowed.has(key)) throw new Error(`${where}: directive "${key}" is not run by the test harness`);
}

function withoutUndefined(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries((value as Record<string, unknown>) ?? {}))
    if (item !== undefined && item !== null && item !== '') out[key] = asText(item);
  return out;
}

function errorFor(status: number, scope: Scope, specError: any, baseError: any): MakeError {
  const error = { ...baseError, ...specError };
  const byStatus = error[String(status)] ?? {};
  const message = evaluate(byStatus.message ?? error.message ?? `HTTP ${status}`, scope);
  const type = evaluate(byStatus.type ?? error.type ?? 'RuntimeError', scope);
  return new MakeError(asText(type), asText(message), status);
}

export interface RunOptions {
  base?: Record<string, any>;
  now?: Date;
}

export async function runRequest(
  spec: Record<string, any>,
  input: Scope,
  options: RunOptions = {},
): Promise<RunResult> {
  refuseUnknown(spec, REQUEST_KEYS, 'request');
  refuseUnknown(spec.response ?? {}, RESPONSE_KEYS, 'response');
  const { base } = options;
  const scope: Scope = { now: options.now ?? new Date(), ...input };
  if (spec.temp) scope.temp = { ...(scope.temp as object), ...(evaluate(spec.temp, scope) as object) };
  const requests: SentRequest[] = [];
  if (spec.condition !== undefined && !evaluate(spec.condition, scope))
    return { outputs: [], skipped: true, requests };

  const method = String(spec.method ?? 'GET').toUpperCase();
  let url = asText(evaluate(spec.url, scope));
  if (base && !/^https?:\/\//.test(url)) url = asText(evaluate(base.baseUrl, scope)) + url;
  const headers = withoutUndefined({
    ...(evaluate(base?.headers ?? {}, scope) as object),
    ...(evaluate(spec.headers ?? {}, scope) as object),
  });
  const firstQs = evaluate(spec.qs ?? {}, scope) as Record<string, unknown>;
  let body: string | undefined;
  if (spec.body !== undefined && method !== 'GET') {
    const value = evaluate(spec.body, scope);
    if ((spec.type ?? 'json') === 'urlencoded') {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(withoutUndefined(value)).toString();
    } else if ((spec.type ?? 'json') === 'json') {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(value);
    } else throw new Error(`request type ${spec.type} is not run by the test harness`);
  }

  const send = async (qs: Record<string, unknown>) => {
    const query = new URLSearchParams(withoutUndefined(qs)).toString();
    const target = query ? `${url}${url.includes('?') ? '&' : '?'}${query}` : url;
    requests.push({ method, url: target, headers, body });
    let res: Response;
    try {
      res = await fetch(target, { method, headers, body, redirect: 'manual' });
    } catch (err) {
      // No answer at all: Make reports a ConnectionError, whatever the app's error directive says.
      throw new MakeError(
        'ConnectionError',
        `Could not reach ${new URL(target).host}: ${(err as Error).message}`,
      );
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: the body stays text
    }
    const responseScope: Scope = {
      ...scope,
      body: parsed,
      headers: Object.fromEntries(res.headers.entries()),
      statusCode: res.status,
    };
    if (res.status >= 400)
      throw errorFor(res.status, responseScope, spec.response?.error, base?.response?.error);
    return responseScope;
  };

  const response = spec.response ?? {};
  let responseScope = await send(firstQs);
  if (response.temp)
    responseScope.temp = {
      ...(responseScope.temp as object),
      ...(evaluate(response.temp, responseScope) as object),
    };
  const outputsOf = (page: Scope): unknown[] => {
    if (!response.iterate) return response.output === undefined ? [] : [evaluate(response.output, page)];
    const container = typeof response.iterate === 'string' ? response.iterate : response.iterate.container;
    const items = evaluate(container, page);
    if (!Array.isArray(items)) throw new MakeError('RuntimeError', `iterate ${container} is not an array`);
    return items.map((item) => evaluate(response.output ?? '{{item}}', { ...page, item }));
  };
  const limit = response.limit === undefined ? Infinity : Number(evaluate(response.limit, responseScope));
  const outputs = outputsOf(responseScope);
  for (let page = 1; spec.pagination && page < MAX_PAGES && outputs.length < limit; page += 1) {
    const pagination = spec.pagination;
    refuseUnknown(pagination, new Set(['qs', 'condition', 'mergeWithParent']), 'pagination');
    if (!evaluate(pagination.condition ?? true, responseScope)) break;
    const pageQs = evaluate(pagination.qs ?? {}, responseScope) as Record<string, unknown>;
    responseScope = await send(pagination.mergeWithParent === false ? pageQs : { ...firstQs, ...pageQs });
    const more = outputsOf(responseScope);
    if (more.length === 0) break;
    outputs.push(...more);
  }
  return {
    outputs: outputs.slice(0, limit),
    data:
      response.data === undefined
        ? undefined
        : (evaluate(response.data, responseScope) as Record<string, unknown>),
    expires: response.expires === undefined ? undefined : evaluate(response.expires, responseScope),
    uid: response.uid === undefined ? undefined : evaluate(response.uid, responseScope),
    metadata: response.metadata === undefined ? undefined : evaluate(response.metadata, responseScope),
    requests,
    body: responseScope.body,
  };
}

/** A webhook's own communication over an incoming request: one output per iterated item. */
export function receive(
  communication: Record<string, any>,
  request: { body: unknown; headers: Record<string, string> },
): unknown[] {
  refuseUnknown(communication, new Set(['iterate', 'output']), 'webhook communication');
  const scope: Scope = { body: request.body, headers: request.headers };
  if (!communication.iterate) return [evaluate(communication.output ?? '{{body}}', scope)];
  const items = evaluate(communication.iterate, scope);
  if (!Array.isArray(items)) throw new MakeError('RuntimeError', 'the webhook body is not an array');
  return items.map((item) => evaluate(communication.output ?? '{{item}}', { ...scope, item }));
}
