'use strict';
/*
 * Drops this run's PostgreSQL test schemas once every test file has finished. Dropping them file by
 * file raced with other files migrating at the same moment: Kysely's migrator reads the table list
 * of every schema, and a schema dropped mid-read fails that read with "schema … does not exist".
 */
const pg = require('pg');

const MIGRATION_LOCK_KEY = 7366426519; // MIGRATION_LOCK_KEY of webhook-server/src/db/migrate.ts

module.exports = async () => {
  const url = process.env.TEST_DATABASE_URL;
  const run = process.env.ATLAS_TEST_RUN;
  if (!url || !run) return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // The lock migrate() holds around Kysely's listing of every schema's tables (db/migrate.ts):
    // another jest run on this database must not see these schemas vanish mid-listing.
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const { rows } = await client.query('SELECT nspname FROM pg_namespace WHERE nspname LIKE $1', [
      `t\\_${run}\\_%`,
    ]);
    for (const { nspname } of rows) await client.query(`DROP SCHEMA IF EXISTS "${nspname}" CASCADE`);
  } finally {
    await client.end();
  }
};
