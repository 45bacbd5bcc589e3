import { startTestServer, type TestServer } from '../../support/server';
import { componentCode, manifest } from './harness/app';

/*
 * The Make app calls only operations the server documents: every request directive's method and
 * URL (with its {{…}} parts as path parameters) is an operation of /openapi.json.
 */

let server: TestServer;
let operations: Array<{ method: string; pattern: RegExp; path: string }>;

beforeAll(async () => {
  server = await startTestServer('sqlite');
  const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
    paths: Record<string, object>;
  };
  operations = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item).map((method) => ({
      method: method.toUpperCase(),
      path,
      pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`),
    })),
  );
});

afterAll(async () => {
  await server?.stop();
});

interface Call {
  where: string;
  method: string;
  url: string;
}

const documented = (method: string, path: string) =>
  operations.some((op) => op.method === method && op.pattern.test(path));

function calls(): Call[] {
  const app = manifest();
  const found: Call[] = [];
  const add = (where: string, request: { url?: string; method?: string } | undefined) => {
    if (request?.url)
      found.push({ where, method: (request.method ?? 'GET').toUpperCase(), url: request.url });
  };
  const connection = componentCode('connection', 'atlas').communication;
  for (const step of ['authorize', 'token', 'info', 'refresh', 'invalidate'])
    add(`connection ${step}`, connection[step]);
  for (const id of Object.keys(app.components.webhook)) {
    const code = componentCode('webhook', id);
    add(`webhook ${id} attach`, code.attach);
    add(`webhook ${id} detach`, code.detach);
  }
  for (const type of ['module', 'rpc'] as const)
    for (const id of Object.keys(app.components[type])) {
      const code = componentCode(type, id);
      add(`${type} ${id}`, code.communication);
      add(
        `${type} ${id} pagination`,
        code.communication?.pagination?.url ? code.communication.pagination : undefined,
      );
    }
  return found;
}

describe('the Make app against /openapi.json', () => {
  test('when the app makes a request, then its method and path are a documented operation', () => {
    const all = calls();
    expect(all.length).toBeGreaterThan(20);
    const undocumented = all
      .map(({ where, method, url }) => ({
        where,
        method,
        path: url.replace(/^\{\{common\.baseUrl\}\}/, '').replace(/\{\{[^}]+\}\}/g, 'X'),
      }))
      .filter(({ method, path }) => !documented(method, path));
    expect(undocumented).toStrictEqual([]);
  });

  test('when a method or path is not in the document, then the check reports it', () => {
    expect(documented('GET', '/v1/api/calls/X')).toBe(true);
    expect(documented('DELETE', '/v1/api/account')).toBe(false);
    expect(documented('GET', '/v1/api/calls/X/recording')).toBe(false);
  });
});
