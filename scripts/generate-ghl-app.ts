// Writes connector/ghl/app.json from webhook-server/src/ghl/appDefinition.ts; `--check` fails when it is stale.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import prettier from 'prettier';
import { ghlAppDefinition } from '../webhook-server/src/ghl/appDefinition';

async function main(): Promise<void> {
  const target = path.join(__dirname, '..', 'connector', 'ghl', 'app.json');
  const options = (await prettier.resolveConfig(target)) ?? {};
  const content = await prettier.format(JSON.stringify(ghlAppDefinition()), { ...options, parser: 'json' });
  const current = await readFile(target, 'utf8').catch(() => null);
  if (process.argv.includes('--check')) {
    if (current !== content) {
      console.error('connector/ghl/app.json is stale. Run `npm run ghl:generate` and commit the result.');
      process.exit(1);
    }
    console.log('connector/ghl/app.json is up to date.');
    return;
  }
  if (current !== content) await writeFile(target, content);
  console.log('Generated connector/ghl/app.json.');
}

void main();
