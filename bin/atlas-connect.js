#!/usr/bin/env node
'use strict';
// Entry point of the operator CLI; runs the compiled server code (npm run build).
const { main } = require('../dist/webhook-server/src/cli/index.js');

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0 || process.argv[2] !== 'serve') process.exitCode = code;
  },
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  },
);
