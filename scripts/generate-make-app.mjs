// Generates the schema-derived files of the Make app in connector/make/ (Make's local-development
// layout): makecomapp.json, modules/groups.json, one dedicated webhook per event, and every
// module's interface and samples, all from the JSON Schemas in schemas/ and the component table in
// scripts/make-app/components.mjs. `--check` regenerates in memory and fails when a committed
// file is stale, so a new event field reaches the Make app from the same schema edit as the types.
import { readFile, writeFile, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseJsonc } from 'jsonc-parser';
import prettier from 'prettier';
import { components, GROUPS } from './make-app/components.mjs';
import { interfaceOf, sampleOf } from './make-app/schemaToMake.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const appDir = path.join(root, 'connector', 'make');
const schemasDir = path.join(root, 'schemas');

async function loadSchemas() {
  const schemas = {};
  for (const file of (await readdir(schemasDir)).filter((f) => f.endsWith('.json')))
    schemas[file] = JSON.parse(await readFile(path.join(schemasDir, file), 'utf8'));
  for (const file of (await readdir(path.join(schemasDir, 'events'))).filter((f) => f.endsWith('.json')))
    schemas[`events/${file}`] = JSON.parse(await readFile(path.join(schemasDir, 'events', file), 'utf8'));
  return schemas;
}

const kebab = (code) => code.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
// An OAuth connection's communication file is named so that Make's tooling validates it as OAuth.
const fileCode = (type, code) =>
  type === 'connection' && code === 'communication' ? 'oauthCommunication' : code;
const codePath = (type, id, code) => `${type}s/${id}/${id}.${kebab(fileCode(type, code))}.iml.json`;

async function render() {
  const schemas = await loadSchemas();
  const app = components(schemas);
  const files = {};
  const manifest = { connection: {}, webhook: {}, module: {}, rpc: {}, function: {}, endpoint: {} };

  for (const [type, list] of Object.entries(app)) {
    for (const component of list) {
      const codeFiles = {};
      for (const code of component.codes) codeFiles[code] = codePath(type, component.id, code);
      for (const code of component.absent ?? []) codeFiles[code] = null;
      for (const [code, content] of Object.entries(component.generated ?? {}))
        files[codePath(type, component.id, code)] = content;
      if (component.interfaceOf) {
        const schema = component.interfaceOf;
        files[codePath(type, component.id, 'interface')] = interfaceOf(schema, schemas);
        files[codePath(type, component.id, 'samples')] = sampleOf(schema, schemas, component.sampleFrom);
      }
      manifest[type][component.id] = { ...component.meta, codeFiles };
    }
  }

  // origins (the Make app id and API key file an operator adds) are kept from the committed file.
  const current = await readFile(path.join(appDir, 'makecomapp.json'), 'utf8').catch(() => null);
  files['makecomapp.json'] = {
    fileVersion: 1,
    generalCodeFiles: {
      base: 'general/base.iml.json',
      common: null,
      readme: 'README.md',
      groups: 'modules/groups.json',
    },
    components: manifest,
    origins: current ? (parseJsonc(current).origins ?? []) : [],
  };
  files['modules/groups.json'] = GROUPS.map(({ label, modules }) => ({ label, modules }));

  const prettierConfig = (await prettier.resolveConfig(path.join(appDir, 'makecomapp.json'))) ?? {};
  const out = {};
  for (const [file, value] of Object.entries(files))
    out[file] = await prettier.format(JSON.stringify(value), { ...prettierConfig, parser: 'json' });
  return out;
}

export { render, codePath };

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  const outputs = await render();
  const stale = [];
  for (const [name, content] of Object.entries(outputs)) {
    const target = path.join(appDir, name);
    const current = await readFile(target, 'utf8').catch(() => null);
    if (current === content) continue;
    if (check) stale.push(`connector/make/${name}`);
    else {
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, content);
    }
  }
  if (stale.length) {
    console.error(
      `Stale Make app files: ${stale.join(', ')}. Run \`npm run schemas:generate\` and commit the result.`,
    );
    process.exit(1);
  }
  console.log(
    check ? 'Generated Make app files are up to date.' : 'Generated the Make app files in connector/make/.',
  );
}
