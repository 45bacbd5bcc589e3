'use strict';
// ULIDs for every id (domain/ids.ts) and for the delivery database thread's attempt rows
// (delivery/sqliteDelivery.js): plain JavaScript, since a worker thread loads files as they are.
// Types are in ulid.d.ts.
const { randomFillSync } = require('node:crypto');
const { monotonicFactory } = require('ulidx');

const POOL_BYTES = 4096;

/**
 * Random numbers for ulidx from a pool of bytes from the system's CSPRNG, refilled when spent.
 * ulidx's own source asks webcrypto for one byte per character (16 calls an id): a tenth of the
 * API thread's time when recording events. Each value is k/32 with k uniform in 0..31, which
 * ulidx maps to the k-th character of its alphabet.
 */
function pooledRandom() {
  const pool = new Uint8Array(POOL_BYTES);
  let next = POOL_BYTES;
  return () => {
    if (next === POOL_BYTES) {
      randomFillSync(pool);
      next = 0;
    }
    return (pool[next++] & 31) / 32;
  };
}

/** A ULID generator: sortable, and within one millisecond each id sorts after the previous one. */
function ulidFactory() {
  return monotonicFactory(pooledRandom());
}

module.exports = { ulidFactory, pooledRandom };
