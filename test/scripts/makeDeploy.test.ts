import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { parse as parseJsonc } from 'jsonc-parser';
import { deployMakeApp, optionsFromEnv, type DeployOptions } from '../../scripts/make-deploy';

/*
 * npm run make:deploy against nock: the exact Make API requests (method, path, body, content
 * type, the API token) are asserted; Make itself is never contacted.
 */

const ZONE = 'eu1.make.com';
const API_KEY = '3f9a1c2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b';
const APP = 'atlas-test';
const SOURCE = path.resolve(__dirname, '../../connector/make');
const SDK = `/api/v2/sdk/apps`;

interface Recorded {
  method: string;
  path: string;
  contentType: string | undefined;
  body: unknown;
}

let appDir: string;
let recorded: Recorded[];
let existingModules: string[];
let existingRpcs: string[];

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());

beforeEach(() => {
  appDir = mkdtempSync(path.join(os.tmpdir(), 'atlas-make-'));
  cpSync(SOURCE, appDir, { recursive: true });
  recorded = [];
  existingModules = [];
  existingRpcs = [];
  // Static replies only: nock parses a reply function's request body as JSON whenever the
  // content type starts with application/json, which application/jsonc (with comments) does.
  const record = (
    req: { method: string; path: string; headers: Record<string, string | string[] | undefined> },
    _interceptor: unknown,
    body: string,
  ) => {
    const contentType = req.headers['content-type'] as string | undefined;
    recorded.push({
      method: req.method,
      path: req.path,
      contentType,
      body: contentType === 'application/json' ? JSON.parse(body) : body,
    });
  };
  const headers = { reqheaders: { authorization: `Token ${API_KEY}` } };
  const created = nock(`https://${ZONE}`, headers);
  created
    .post(`${SDK}/${APP}/connections`)
    .reply(200, { appConnection: { name: APP, label: 'Atlas', type: 'oauth' } });
  for (let i = 2; i <= 9; i += 1)
    created
      .post(`${SDK}/${APP}/webhooks`)
      .reply(200, { appWebhook: { name: `${APP}${i}`, label: 'x', type: 'web' } });
  created.on('request', record);
  const rest = nock(`https://${ZONE}`, headers).persist();
  rest.get(`${SDK}/${APP}/1/rpcs`).reply(200, () => ({ appRpcs: existingRpcs.map((name) => ({ name })) }));
  rest
    .get(`${SDK}/${APP}/1/modules`)
    .reply(200, () => ({ appModules: existingModules.map((name) => ({ name })) }));
  for (const method of ['POST', 'PUT', 'PATCH'] as const)
    rest.intercept(/.*/, method).reply(200, { changed: true });
  rest.on('request', record);
});

afterEach(() => {
  nock.cleanAll();
  rmSync(appDir, { recursive: true, force: true });
});

const options = (extra: Partial<DeployOptions> = {}): DeployOptions => ({
  apiKey: API_KEY,
  zone: ZONE,
  appName: APP,
  appVersion: 1,
  appDir,
  common: { clientId: 'client-1', clientSecret: 'secret-1', baseUrl: 'https://api.atlas.example' },
  ...extra,
});
const manifest = () => parseJsonc(readFileSync(path.join(appDir, 'makecomapp.json'), 'utf8'));
const file = (relative: string) => readFileSync(path.join(SOURCE, relative), 'utf8');
const jsonc = (relative: string, sectionPath: string) => ({
  method: 'PUT',
  path: sectionPath,
  contentType: 'application/jsonc',
  body: file(relative),
});

describe('npm run make:deploy', () => {
  test('when the app is new in Make, then every component is created and every code file set, in this order', async () => {
    await deployMakeApp(options());
    const local = manifest();
    const webhookIds = Object.keys(local.components.webhook);
    const remoteWebhook = (id: string) => `${APP}${webhookIds.indexOf(id) + 2}`;
    const conn = local.components.connection.atlas;
    const expected: unknown[] = [
      {
        method: 'POST',
        path: `${SDK}/${APP}/connections`,
        contentType: 'application/json',
        body: { type: 'oauth', label: 'Atlas' },
      },
      jsonc(conn.codeFiles.communication, `${SDK}/connections/${APP}/api`),
      jsonc(conn.codeFiles.params, `${SDK}/connections/${APP}/parameters`),
      jsonc(conn.codeFiles.scopeList, `${SDK}/connections/${APP}/scopes`),
      jsonc(conn.codeFiles.defaultScope, `${SDK}/connections/${APP}/scope`),
      {
        method: 'PUT',
        path: `${SDK}/connections/${APP}/common`,
        contentType: 'application/json',
        body: { clientId: 'client-1', clientSecret: 'secret-1', baseUrl: 'https://api.atlas.example' },
      },
    ];
    for (const id of webhookIds) {
      const hook = local.components.webhook[id];
      const name = remoteWebhook(id);
      expected.push(
        {
          method: 'POST',
          path: `${SDK}/${APP}/webhooks`,
          contentType: 'application/json',
          body: { type: 'web', label: hook.label, connection: APP },
        },
        jsonc(hook.codeFiles.communication, `${SDK}/webhooks/${name}/api`),
        jsonc(hook.codeFiles.params, `${SDK}/webhooks/${name}/parameters`),
        jsonc(hook.codeFiles.attach, `${SDK}/webhooks/${name}/attach`),
        jsonc(hook.codeFiles.detach, `${SDK}/webhooks/${name}/detach`),
      );
    }
    const rpc = local.components.rpc.listCampaigns;
    expected.push(
      { method: 'GET', path: `${SDK}/${APP}/1/rpcs`, contentType: undefined, body: '' },
      {
        method: 'POST',
        path: `${SDK}/${APP}/1/rpcs`,
        contentType: 'application/json',
        body: { name: 'listCampaigns', label: rpc.label },
      },
      {
        method: 'PATCH',
        path: `${SDK}/${APP}/1/rpcs/listCampaigns`,
        contentType: 'application/json',
        body: { label: rpc.label, connection: APP },
      },
      jsonc(rpc.codeFiles.communication, `${SDK}/${APP}/1/rpcs/listCampaigns/api`),
      jsonc(rpc.codeFiles.params, `${SDK}/${APP}/1/rpcs/listCampaigns/parameters`),
      { method: 'GET', path: `${SDK}/${APP}/1/modules`, contentType: undefined, body: '' },
    );
    const typeIds: Record<string, number> = { action: 4, search: 9, instant_trigger: 10 };
    const sections: Record<string, string> = {
      communication: 'api',
      mappableParams: 'expect',
      interface: 'interface',
      samples: 'samples',
    };
    for (const [id, module] of Object.entries<any>(local.components.module)) {
      expected.push({
        method: 'POST',
        path: `${SDK}/${APP}/1/modules`,
        contentType: 'application/json',
        body: {
          name: id,
          typeId: typeIds[module.moduleType],
          label: module.label,
          description: module.description,
          moduleInitMode: 'blank',
          ...(module.connection ? { connection: APP } : {}),
          ...(module.webhook ? { webhook: remoteWebhook(module.webhook) } : {}),
          ...(module.actionCrud ? { crud: module.actionCrud } : {}),
        },
      });
      for (const [code, relative] of Object.entries<string>(module.codeFiles))
        expected.push(jsonc(relative, `${SDK}/${APP}/1/modules/${id}/${sections[code]}`));
    }
    expected.push(
      jsonc('general/base.iml.json', `${SDK}/${APP}/1/base`),
      jsonc('modules/groups.json', `${SDK}/${APP}/1/groups`),
      {
        method: 'PUT',
        path: `${SDK}/${APP}/1/readme`,
        contentType: 'text/markdown',
        body: file('README.md'),
      },
    );
    expect(recorded).toStrictEqual(expected);

    // Spot checks in plain words: the trigger for completed calls hangs on its own webhook.
    expect(recorded).toContainEqual(
      expect.objectContaining({
        method: 'POST',
        body: expect.objectContaining({
          name: 'watchCallCompleted',
          typeId: 10,
          webhook: remoteWebhook('callCompleted'),
        }),
      }),
    );
    expect(recorded).toContainEqual(
      expect.objectContaining({
        body: expect.objectContaining({ name: 'startCall', typeId: 4, crud: 'create', connection: APP }),
      }),
    );
  });

  test('when it deployed before, then the stored id mapping is reused: nothing is created twice', async () => {
    await deployMakeApp(options());
    const mapping = manifest().origins[0].idMapping;
    expect(manifest().origins[0]).toMatchObject({
      baseUrl: `https://${ZONE}/api`,
      appId: APP,
      appVersion: 1,
    });
    expect(mapping.connection).toStrictEqual([{ local: 'atlas', remote: APP }]);
    recorded = [];
    existingModules = Object.keys(manifest().components.module);
    existingRpcs = ['listCampaigns'];
    await deployMakeApp(options({ common: undefined }));
    expect(recorded.filter((r) => r.method === 'POST')).toStrictEqual([]);
    expect(recorded.filter((r) => r.path.endsWith('/common'))).toStrictEqual([]);
    expect(recorded).toContainEqual({
      method: 'PATCH',
      path: `${SDK}/connections/${APP}`,
      contentType: 'application/json',
      body: { label: 'Atlas' },
    });
    expect(recorded).toContainEqual(
      expect.objectContaining({
        method: 'PATCH',
        path: `${SDK}/${APP}/1/modules/startCall`,
        body: expect.objectContaining({ connection: APP }),
      }),
    );
    expect(manifest().origins[0].idMapping).toStrictEqual(mapping);
  });

  test('when Make refuses a request, then the deploy stops there with Make’s message', async () => {
    nock.cleanAll();
    nock(`https://${ZONE}`)
      .post(`${SDK}/${APP}/connections`)
      .reply(403, { message: 'Permission denied', code: 'SC403' }, { 'content-type': 'application/json' });
    await expect(deployMakeApp(options())).rejects.toThrow('Permission denied');
    expect(nock.isDone()).toBe(true);
  });

  test('when the environment lacks what the deploy needs, then it names each variable and contacts nobody', () => {
    expect(() => optionsFromEnv({}, appDir)).toThrow(/MAKE_API_KEY[\s\S]*MAKE_ZONE[\s\S]*MAKE_APP_ID/);
    expect(() =>
      optionsFromEnv(
        {
          MAKE_API_KEY: API_KEY,
          MAKE_ZONE: ZONE,
          MAKE_APP_ID: APP,
          ATLAS_BASE_URL: 'https://api.atlas.example',
        },
        appDir,
      ),
    ).toThrow(/MAKE_OAUTH_CLIENT_ID, MAKE_OAUTH_CLIENT_SECRET: set all of/);
    expect(
      optionsFromEnv({ MAKE_API_KEY: API_KEY, MAKE_ZONE: ZONE, MAKE_APP_ID: APP }, appDir),
    ).toStrictEqual({
      apiKey: API_KEY,
      zone: ZONE,
      appName: APP,
      appVersion: 1,
      appDir,
    });
    expect(recorded).toStrictEqual([]);
  });
});
