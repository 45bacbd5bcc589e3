'use strict';
/*
 * Drops this run's PostgreSQL test schemas once every test file has finished. Dropping them file by
 * file raced with other files migrating at the same moment: Kysely's migrator reads the table list
 * of every schema, and a schema dropped mid-read fails that read with "schema … does not exist".
 */
const pg = require('pg');

module.exports = async () => {
  const url = process.env.TEST_DATABASE_URL;
  const run = process.env.ATLAS_TEST_RUN;
  if (!url || !run) return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT nspname FROM pg_namespace WHERE nspname LIKE $1', [
      `t\\_${run}\\_%`,
    ]);
    for (const { nspname } of rows) await client.query(`DROP SCHEMA IF EXISTS "${nspname}" CASCADE`);
  } finally {
    await client.end();
  }
};
