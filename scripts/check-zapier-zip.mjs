// Inspects connector/zapier/build/build.zip (made by `npm run zapier:build`): it must hold the compiled
// connector and its runtime dependencies, at the versions connector/zapier/package.json pins, and no
// webhook-server code or server-only dependency. Exits non-zero with the reasons otherwise.
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const zipPath = process.argv[2] ?? path.join(root, 'connector', 'zapier', 'build', 'build.zip');

// A zip's central directory lists every entry; reading it needs no dependency.
function readZip(file) {
  const buf = readFileSync(file);
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error(`${file} is not a zip file.`);
  const count = buf.readUInt16LE(eocd + 10);
  let offset = buf.readUInt32LE(eocd + 16);
  const entries = new Map();
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(offset) !== 0x02014b50) throw new Error('Corrupt central directory.');
    const method = buf.readUInt16LE(offset + 10);
    const compressedSize = buf.readUInt32LE(offset + 20);
    const nameLength = buf.readUInt16LE(offset + 28);
    const extraLength = buf.readUInt16LE(offset + 30);
    const commentLength = buf.readUInt16LE(offset + 32);
    const localHeader = buf.readUInt32LE(offset + 42);
    const name = buf.toString('utf8', offset + 46, offset + 46 + nameLength);
    const read = () => {
      const dataStart =
        localHeader + 30 + buf.readUInt16LE(localHeader + 26) + buf.readUInt16LE(localHeader + 28);
      const data = buf.subarray(dataStart, dataStart + compressedSize);
      return (method === 8 ? inflateRawSync(data) : data).toString('utf8');
    };
    entries.set(name, read);
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

const entries = readZip(zipPath);
const names = [...entries.keys()];
const problems = [];

for (const required of [
  'index.js',
  'zapierwrapper.js',
  'package.json',
  'definition.json',
  'dist/connector/zapier/src/index.js',
  'node_modules/zapier-platform-core/package.json',
]) {
  if (!entries.has(required)) problems.push(`missing ${required}`);
}

const connectorPkg = JSON.parse(readFileSync(path.join(root, 'connector', 'zapier', 'package.json'), 'utf8'));
const pinned = connectorPkg.dependencies['zapier-platform-core'];
if (entries.has('node_modules/zapier-platform-core/package.json')) {
  const bundled = JSON.parse(entries.get('node_modules/zapier-platform-core/package.json')()).version;
  if (bundled !== pinned)
    problems.push(`zapier-platform-core ${bundled} bundled, connector/zapier/package.json pins ${pinned}`);
}
const rootPkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
if (rootPkg.dependencies['zapier-platform-core'] !== pinned) {
  problems.push(
    `root package.json has zapier-platform-core ${rootPkg.dependencies['zapier-platform-core']}, connector/zapier/package.json ${pinned}: tests would run another core than Zapier`,
  );
}

const serverOnly = Object.keys(rootPkg.dependencies).filter((dep) => !(dep in connectorPkg.dependencies));
for (const name of names) {
  if (/(^|\/)webhook-server(\/|$)/.test(name)) problems.push(`webhook-server code: ${name}`);
  if (name.startsWith('/') || name.split('/').includes('..')) problems.push(`entry outside the app: ${name}`);
  const top = name.match(/^node_modules\/((?:@[^/]+\/)?[^/]+)\//)?.[1];
  if (top && serverOnly.includes(top)) problems.push(`server-only dependency: ${name}`);
}

if (entries.has('definition.json')) {
  const definition = JSON.parse(entries.get('definition.json')());
  const keys = Object.keys(definition.triggers ?? {}).length + Object.keys(definition.creates ?? {}).length;
  if (keys === 0) problems.push('definition.json defines no triggers or creates');
  if (definition.version !== connectorPkg.version) {
    problems.push(
      `definition.json version ${definition.version}, connector/zapier/package.json ${connectorPkg.version}`,
    );
  }
}

if (problems.length) {
  console.error(`${path.relative(root, zipPath)} is not fit to upload:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log(
  `${path.relative(root, zipPath)}: ${names.length} entries, connector and zapier-platform-core ${pinned}, no webhook-server code.`,
);
