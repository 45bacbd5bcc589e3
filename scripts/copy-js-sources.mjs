// `npm run build` step: tsc emits only what it compiles, so the server's JavaScript files (the
// account page's browser script, http/account/assets/account.js, served as it is) are copied to dist/.
import { cpSync, readdirSync } from 'node:fs';
import path from 'node:path';

const root = 'webhook-server/src';
for (const entry of readdirSync(root, { recursive: true })) {
  const file = String(entry);
  if (file.endsWith('.js')) cpSync(path.join(root, file), path.join('dist', root, file));
}
