'use strict';
const { check } = require('./requirements');

// Names this jest run, so its PostgreSQL test schemas (t_<run>_…) can be dropped together at the end;
// and decides once which optional suites run (see requirements.js), printing one line per skip.
module.exports = async () => {
  process.env.ATLAS_TEST_RUN = process.env.ATLAS_TEST_RUN || Date.now().toString(36);
  const found = check();
  for (const line of found.lines) process.stdout.write(`\n${line}\n`);
  if (found.missing.length > 0)
    throw new Error(
      `Required test suites cannot run:\n${found.missing.map((l) => `  ${l.replace('SKIPPED', 'REQUIRED')}`).join('\n')}`,
    );
  process.env.ATLAS_TEST_BROWSER = found.browser ?? '';
  process.env.ATLAS_TEST_SHARED = found.shared ?? '';
};
