'use strict';
/*
 * What the optional test suites need beyond Node and npm, decided once per jest run.
 *
 * A fresh machine has only Node 20 and npm: the browser, PostgreSQL and ../shared suites then skip,
 * and the run says so in one line each. CI sets REQUIRE_BROWSER=1, REQUIRE_POSTGRES=1 and
 * REQUIRE_SHARED=1 (.ci/run), which turn each of those skips into a failed run, so CI can never
 * pass with a suite skipped. globalSetup calls check() in jest's parent process and hands the
 * result to the test workers through environment variables.
 */
const fs = require('node:fs');
const path = require('node:path');

const DEFAULT_CHROMIUM = '/usr/bin/chromium';
const SHARED_DIR = path.resolve(__dirname, '../../../shared');

/** @returns {{browser: string | null, postgres: string | null, shared: string | null, lines: string[], missing: string[]}} */
function check(env = process.env) {
  const required = (name) => env[name] === '1' || env[name] === 'true';
  const lines = [];
  const missing = [];
  const chromium = env.CHROMIUM_PATH || DEFAULT_CHROMIUM;
  const browser = fs.existsSync(chromium) ? chromium : null;
  if (!browser) {
    const line = `Browser tests SKIPPED: no Chromium at ${chromium} (apt-get install chromium, or set CHROMIUM_PATH).`;
    (required('REQUIRE_BROWSER') ? missing : lines).push(line);
  }
  const postgres = env.TEST_DATABASE_URL || null;
  if (!postgres) {
    const line =
      'PostgreSQL tests SKIPPED: TEST_DATABASE_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/test).';
    (required('REQUIRE_POSTGRES') ? missing : lines).push(line);
  }
  const sharedDir = env.ATLAS_SHARED_DIR || SHARED_DIR;
  const shared = fs.existsSync(path.join(sharedDir, 'make-schemas')) ? sharedDir : null;
  if (!shared) {
    const line = `Make schema tests SKIPPED: no ${path.join(sharedDir, 'make-schemas')} (the project's shared/ folder; set ATLAS_SHARED_DIR).`;
    (required('REQUIRE_SHARED') ? missing : lines).push(line);
  }
  return { browser, postgres, shared, lines, missing };
}

module.exports = { check };
