import callStatus from '../../../schemas/CallStatus.json';
import { appFiles, base, componentCode, manifest, readAppJson, type ComponentType } from './harness/app';
import { expressionsIn, parse, pathsIn } from './harness/iml';

/*
 * What Make's schemas cannot see: files and components agree, every variable an expression reads
 * is defined where it is read, triggers, webhooks, connections and RPCs name things that exist,
 * every expression is inside the IML subset the executable tests evaluate, and secrets are
 * sanitized from Make's logs.
 */

const app = manifest();
const TYPES: ComponentType[] = ['connection', 'webhook', 'module', 'rpc', 'function', 'endpoint'];
const components = TYPES.flatMap((type) =>
  Object.entries(app.components[type]).map(([id, meta]) => ({ type, id, meta })),
);

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

const reads = (value: unknown, root: string) =>
  strings(value)
    .flatMap(expressionsIn)
    .flatMap(pathsIn)
    .filter((p) => p.root === root && p.keys.length > 0)
    .map((p) => String(p.keys[0]));

const names = (params: unknown) => ((params as Array<{ name: string }>) ?? []).map((p) => p.name);
const keysOf = (value: unknown) => Object.keys((value as object) ?? {});

const connectionCode = componentCode('connection', 'atlas').communication;
const connectionData = [
  ...keysOf(connectionCode.token.response.data),
  ...keysOf(connectionCode.refresh.response.data),
];

describe('the Make app’s structure', () => {
  test('when makecomapp.json lists a code file, then it exists, and every file of the app is listed', () => {
    const files = appFiles();
    const listed = [
      ...Object.values(app.generalCodeFiles),
      ...components.flatMap(({ meta }) => Object.values(meta.codeFiles)),
    ].filter((f): f is string => typeof f === 'string');
    expect(listed.filter((f) => !files.includes(f))).toStrictEqual([]);
    expect(files.filter((f) => f !== 'makecomapp.json' && !listed.includes(f))).toStrictEqual([]);
  });

  test('when a component is an instant trigger, then it names an existing webhook, and every webhook has a trigger', () => {
    const triggers = components.filter((c) => c.meta.moduleType === 'instant_trigger');
    expect(triggers).toHaveLength(8);
    for (const trigger of triggers)
      expect(Object.keys(app.components.webhook)).toContain(trigger.meta.webhook);
    expect(Object.keys(app.components.webhook).sort()).toStrictEqual(
      triggers.map((t) => t.meta.webhook).sort(),
    );
  });

  test('when a module, RPC or webhook needs a connection, then it names the existing one', () => {
    for (const { type, id, meta } of components.filter((c) => c.type !== 'connection')) {
      if (meta.moduleType === 'instant_trigger') continue; // its webhook holds the connection
      expect({ type, id, connection: meta.connection }).toStrictEqual({ type, id, connection: 'atlas' });
    }
  });

  test('when a parameter names an RPC, then the RPC exists', () => {
    const all = components.flatMap(({ type, id }) => strings(componentCode(type, id)));
    const rpcs = all.filter((s) => s.startsWith('rpc://')).map((s) => s.slice('rpc://'.length));
    expect(rpcs.length).toBeGreaterThan(0);
    for (const rpc of rpcs) expect(Object.keys(app.components.rpc)).toContain(rpc);
  });

  test('when groups.json lists modules, then each module appears exactly once', () => {
    const grouped = readAppJson<Array<{ modules: string[] }>>(app.generalCodeFiles.groups!).flatMap(
      (g) => g.modules,
    );
    expect([...grouped].sort()).toStrictEqual(Object.keys(app.components.module).sort());
  });

  test('when any file holds an IML expression, then it is inside the subset the tests evaluate', () => {
    const sources = [
      ...strings(base()),
      ...components.flatMap(({ type, id }) => strings(componentCode(type, id))),
    ].flatMap(expressionsIn);
    expect(sources.length).toBeGreaterThan(50);
    for (const source of sources) expect(() => parse(source)).not.toThrow();
  });

  test('when an expression reads connection.x, then the token or refresh step stores x', () => {
    const everywhere = [
      base(),
      ...components.filter((c) => c.type !== 'connection').map(({ type, id }) => componentCode(type, id)),
      connectionCode.info,
    ];
    const read = everywhere.flatMap((code) => reads(code, 'connection'));
    expect(read).toContain('accessToken');
    for (const key of read) expect(connectionData).toContain(key);
    for (const key of reads([connectionCode.refresh, connectionCode.invalidate], 'data'))
      expect([...connectionData, 'expires']).toContain(key);
  });

  test('when an expression reads parameters.x, then the component declares the parameter x', () => {
    for (const { type, id } of components.filter((c) => c.type !== 'connection')) {
      const code = componentCode(type, id);
      const declared = [...names(code.mappableParams), ...names(code.staticParams), ...names(code.params)];
      for (const key of reads(code, 'parameters'))
        expect({ type, id, key, declared: declared.includes(key) }).toStrictEqual({
          type,
          id,
          key,
          declared: true,
        });
    }
  });

  test('when a webhook reads webhook.x, then attach reads only Make’s id and url and detach only what attach stored', () => {
    for (const id of Object.keys(app.components.webhook)) {
      const code = componentCode('webhook', id);
      for (const key of reads(code.attach, 'webhook')) expect(['id', 'url']).toContain(key);
      const stored = keysOf(code.attach.response.data);
      const detachReads = reads(code.detach, 'webhook');
      expect(detachReads.length).toBeGreaterThan(0);
      for (const key of detachReads) expect(stored).toContain(key);
    }
  });

  test('when an expression reads temp.x, then a temp directive before it defines x', () => {
    const authorizeTemp = keysOf(connectionCode.authorize.response.temp);
    for (const key of reads(connectionCode.token, 'temp')) expect(authorizeTemp).toContain(key);
    for (const { type, id } of components.filter((c) => c.type !== 'connection')) {
      const code = componentCode(type, id);
      const defined = [...keysOf(code.communication?.temp), ...keysOf(code.communication?.response?.temp)];
      for (const key of reads(code, 'temp')) expect(defined).toContain(key);
    }
  });

  test('when List Calls offers statuses, then they are exactly the call statuses of schemas/', () => {
    const status = componentCode('module', 'listCalls').mappableParams.find(
      (p: { name: string }) => p.name === 'status',
    );
    expect(status.options.map((o: { value: string }) => o.value)).toStrictEqual(callStatus.enum);
  });

  test('when the connection sends or receives a secret, then Make’s log sanitizes it', () => {
    const secretBodyKeys = ['code', 'client_secret', 'refresh_token', 'token'];
    for (const step of ['token', 'refresh', 'invalidate', 'info'] as const) {
      const request = connectionCode[step];
      const sanitize: string[] = request.log?.sanitize ?? [];
      for (const key of keysOf(request.body).filter((k) => secretBodyKeys.includes(k)))
        expect({ step, sanitized: sanitize.includes(`request.body.${key}`) }).toStrictEqual({
          step,
          sanitized: true,
        });
      if (request.headers?.Authorization) expect(sanitize).toContain('request.headers.authorization');
      if (request.response?.data) {
        expect(sanitize).toContain('response.body.access_token');
        expect(sanitize).toContain('response.body.refresh_token');
      }
    }
    expect(base().log.sanitize).toContain('request.headers.authorization');
  });
});
