// `npm run make:deploy`: pushes connector/make/ (Make's local-development layout) to a Make custom
// app with Make's official SDK (@makehq/sdk): components are created when missing, then every code
// file is set as its section, JSONC as written. Remote names of connections and webhooks, which
// Make chooses, are kept in makecomapp.json's origin (idMapping), as Make's VS Code extension does,
// so the next deploy updates instead of creating again. Publishing steps: docs/make.md.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Make, type CreateSDKModuleBody } from '@makehq/sdk';
import { parse as parseJsonc } from 'jsonc-parser';
import type { Component, ComponentType, IdMapping, Manifest, Origin } from './make-app/manifest';

type DeployedType = Exclude<ComponentType, 'function' | 'endpoint'>;

/** Local code type → the section name Make's API takes it under. */
const SECTIONS: Record<DeployedType, Record<string, string>> = {
  connection: { communication: 'api', params: 'parameters', scopeList: 'scopes', defaultScope: 'scope' },
  webhook: {
    communication: 'api',
    params: 'parameters',
    attach: 'attach',
    detach: 'detach',
    requiredScope: 'scope',
  },
  module: {
    communication: 'api',
    staticParams: 'parameters',
    mappableParams: 'expect',
    interface: 'interface',
    samples: 'samples',
    scope: 'scope',
    epoch: 'epoch',
  },
  rpc: { communication: 'api', params: 'parameters' },
};

const MODULE_TYPE_IDS: Record<string, number> = {
  trigger: 1,
  action: 4,
  search: 9,
  instant_trigger: 10,
  responder: 11,
  universal: 12,
};

export interface DeployOptions {
  apiKey: string;
  /** Make's zone host, e.g. eu1.make.com. */
  zone: string;
  /** The Make app's name (its id in the app's URL). */
  appName: string;
  appVersion: number;
  appDir: string;
  /** The connection's common data; left as it is in Make when absent. */
  common?: { clientId: string; clientSecret: string; baseUrl: string };
  log?: (line: string) => void;
}

const read = (dir: string, file: string) => readFileSync(path.join(dir, file), 'utf8');

export async function deployMakeApp(options: DeployOptions): Promise<IdMapping> {
  const { appDir, appName, appVersion, zone } = options;
  const log = options.log ?? (() => undefined);
  const manifestText = read(appDir, 'makecomapp.json');
  const manifest = parseJsonc(manifestText) as Manifest;
  for (const type of ['function', 'endpoint'] as const)
    if (Object.keys(manifest.components[type] ?? {}).length)
      throw new Error(
        `make:deploy does not deploy ${type} components yet; remove them or extend scripts/make-deploy.ts.`,
      );

  const baseUrl = `https://${zone}/api`;
  const origin = manifest.origins.find((o) => o.appId === appName && o.baseUrl === baseUrl);
  const previous = origin?.idMapping;
  const mapping: IdMapping = { connection: [], webhook: [], module: [], rpc: [], function: [], endpoint: [] };
  const remoteOf = (type: DeployedType, local: string | null | undefined) => {
    if (!local) return undefined;
    const remote = mapping[type].find((p) => p.local === local)?.remote;
    if (!remote) throw new Error(`${type} "${local}" is referenced but not deployed`);
    return remote;
  };
  const known = (type: DeployedType, local: string) =>
    previous?.[type]?.find((p) => p.local === local)?.remote ?? undefined;

  const make = new Make(options.apiKey, zone);
  const sdk = make.sdk;

  const setSections = async (
    type: DeployedType,
    id: string,
    component: Component,
    set: (section: string, body: string) => Promise<void>,
  ) => {
    for (const [code, file] of Object.entries(component.codeFiles)) {
      if (!file) continue;
      const section = SECTIONS[type][code];
      if (!section) throw new Error(`${type} "${id}": Make's API takes no section for code "${code}"`);
      await set(section, read(appDir, file));
    }
  };

  for (const [id, component] of Object.entries(manifest.components.connection)) {
    let remote = known('connection', id);
    if (remote) await sdk.connections.update(remote, { label: component.label ?? id });
    else
      remote = (
        await sdk.connections.create(appName, {
          type: component.connectionType ?? 'oauth',
          label: component.label ?? id,
        })
      ).name;
    mapping.connection.push({ local: id, remote });
    await setSections('connection', id, component, (section, body) =>
      sdk.connections.setSection(remote!, section as never, body),
    );
    if (options.common) await sdk.connections.setCommon(remote, options.common);
    log(`connection ${id} → ${remote}`);
  }

  for (const [id, component] of Object.entries(manifest.components.webhook)) {
    let remote = known('webhook', id);
    if (remote) await sdk.webhooks.update(remote, { label: component.label ?? id });
    else {
      // Make's API takes the webhook's connection at creation; the SDK's type lists only type and label.
      const body = {
        type: component.webhookType ?? 'web',
        label: component.label ?? id,
        connection: remoteOf('connection', component.connection),
      };
      // Make answers with the webhook it made, name included (the SDK's type leaves the name out).
      const created = (await sdk.webhooks.create(appName, body)) as { name?: string };
      if (!created.name) throw new Error(`Make created webhook "${id}" without telling its name`);
      remote = created.name;
    }
    mapping.webhook.push({ local: id, remote });
    await setSections('webhook', id, component, (section, body) =>
      sdk.webhooks.setSection(remote!, section as never, body),
    );
    log(`webhook ${id} → ${remote}`);
  }

  const existingRpcs = new Set((await sdk.rpcs.list(appName, appVersion)).map((r) => r.name));
  for (const [id, component] of Object.entries(manifest.components.rpc)) {
    if (!existingRpcs.has(id))
      await sdk.rpcs.create(appName, appVersion, { name: id, label: component.label ?? id });
    const connection = remoteOf('connection', component.connection);
    await sdk.rpcs.update(appName, appVersion, id, {
      label: component.label ?? id,
      ...(connection ? { connection } : {}),
    });
    mapping.rpc.push({ local: id, remote: id });
    await setSections('rpc', id, component, (section, body) =>
      sdk.rpcs.setSection(appName, appVersion, id, section as never, body),
    );
    log(`rpc ${id}`);
  }

  const existingModules = new Set((await sdk.modules.list(appName, appVersion)).map((m) => m.name));
  for (const [id, component] of Object.entries(manifest.components.module)) {
    const typeId = MODULE_TYPE_IDS[component.moduleType ?? ''];
    if (!typeId) throw new Error(`module "${id}": unknown moduleType ${component.moduleType}`);
    const connection = remoteOf('connection', component.connection);
    const webhook = remoteOf('webhook', component.webhook);
    if (!existingModules.has(id)) {
      // Make's API also takes connection, webhook and crud here, beyond the SDK's declared fields.
      const body: CreateSDKModuleBody & Record<string, unknown> = {
        name: id,
        typeId,
        label: component.label ?? id,
        description: component.description ?? '',
        moduleInitMode: 'blank',
        ...(connection ? { connection } : {}),
        ...(webhook ? { webhook } : {}),
        ...(component.actionCrud ? { crud: component.actionCrud } : {}),
      };
      await sdk.modules.create(appName, appVersion, body);
    } else {
      await sdk.modules.update(appName, appVersion, id, {
        label: component.label ?? id,
        description: component.description ?? '',
        ...(connection ? { connection } : {}),
      });
    }
    mapping.module.push({ local: id, remote: id });
    await setSections('module', id, component, (section, body) =>
      sdk.modules.setSection(appName, appVersion, id, section as never, body),
    );
    log(`module ${id}`);
  }

  const general = manifest.generalCodeFiles;
  if (general.base) await sdk.apps.setSection(appName, appVersion, 'base', read(appDir, general.base));
  if (general.groups) await sdk.apps.setSection(appName, appVersion, 'groups', read(appDir, general.groups));
  if (general.readme) await sdk.apps.setDocs(appName, appVersion, read(appDir, general.readme));
  log('base, groups and readme');

  const nextOrigin: Origin = {
    label: origin?.label ?? `Make ${zone}`,
    baseUrl,
    appId: appName,
    appVersion,
    apikeyFile: origin?.apikeyFile ?? '.secrets/apikey',
    idMapping: mapping,
  };
  manifest.origins = [...manifest.origins.filter((o) => o !== origin), nextOrigin];
  // Formatted by `npm run make:deploy` afterwards (prettier), as the generator formats it.
  writeFileSync(path.join(appDir, 'makecomapp.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return mapping;
}

const APP_ID = /^[a-z][0-9a-z-]+[0-9a-z]$/;
const ZONE = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/;

/** The deploy's options from the environment; every problem is named, none is guessed. */
export function optionsFromEnv(env: NodeJS.ProcessEnv, appDir: string): DeployOptions {
  const problems: string[] = [];
  const apiKey = env.MAKE_API_KEY ?? '';
  if (!apiKey)
    problems.push('MAKE_API_KEY: a Make API token with the sdk-apps:read and sdk-apps:write scopes');
  const zone = env.MAKE_ZONE ?? '';
  if (!ZONE.test(zone))
    problems.push('MAKE_ZONE: the zone host of your Make organization, e.g. eu1.make.com');
  const appName = env.MAKE_APP_ID ?? '';
  if (!APP_ID.test(appName))
    problems.push('MAKE_APP_ID: the app id Make shows in the app’s URL, e.g. atlas-a1b2c3');
  const appVersion = Number(env.MAKE_APP_VERSION ?? '1');
  if (!Number.isInteger(appVersion) || appVersion < 1)
    problems.push('MAKE_APP_VERSION: the app’s major version (1 unless you made another)');
  const commonVars = ['ATLAS_BASE_URL', 'MAKE_OAUTH_CLIENT_ID', 'MAKE_OAUTH_CLIENT_SECRET'] as const;
  const set = commonVars.filter((name) => env[name]);
  if (set.length > 0 && set.length < commonVars.length)
    problems.push(
      `${commonVars.filter((n) => !env[n]).join(', ')}: set all of ${commonVars.join(', ')} to update the connection's common data, or none`,
    );
  if (env.ATLAS_BASE_URL && !/^https:\/\/[^/]+/.test(env.ATLAS_BASE_URL))
    problems.push('ATLAS_BASE_URL: the https URL of the atlas-connect server');
  if (problems.length) throw new Error(`make:deploy cannot start:\n- ${problems.join('\n- ')}`);
  return {
    apiKey,
    zone,
    appName,
    appVersion,
    appDir,
    ...(set.length
      ? {
          common: {
            clientId: env.MAKE_OAUTH_CLIENT_ID!,
            clientSecret: env.MAKE_OAUTH_CLIENT_SECRET!,
            baseUrl: env.ATLAS_BASE_URL!.replace(/\/+$/, ''),
          },
        }
      : {}),
  };
}

if (require.main === module) {
  const appDir = path.resolve(__dirname, '..', 'connector', 'make');
  (async () => {
    const options = optionsFromEnv(process.env, appDir);
    await deployMakeApp({ ...options, log: (line) => console.log(line) });
    const formatted = spawnSync(
      process.execPath,
      [require.resolve('prettier/bin/prettier.cjs'), '--write', path.join(appDir, 'makecomapp.json')],
      { stdio: 'inherit' },
    );
    if (formatted.status !== 0) throw new Error('prettier could not format connector/make/makecomapp.json');
    console.log(
      `Deployed connector/make to ${options.appName} v${options.appVersion} on ${options.zone}; makecomapp.json holds the id mapping.`,
    );
  })().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
