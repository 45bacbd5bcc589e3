// ULIDs for every id (domain/ids.ts), in the API's thread as in the delivery database thread's.
import { randomFillSync } from 'node:crypto';
import { monotonicFactory } from 'ulidx';

const POOL_BYTES = 4096;

/**
 * Random numbers for ulidx from a pool of bytes from the system's CSPRNG, refilled when spent.
 * ulidx's own source asks webcrypto for one byte per character (16 calls an id): a tenth of the
 * API thread's time when recording events. Each value is k/32 with k uniform in 0..31, which
 * ulidx maps to the k-th character of its alphabet.
 */
export function pooledRandom(): () => number {
  const pool = new Uint8Array(POOL_BYTES);
  let next = POOL_BYTES;
  return () => {
    if (next === POOL_BYTES) {
      randomFillSync(pool);
      next = 0;
    }
    return (pool[next++]! & 31) / 32;
  };
}

/** A ULID generator: sortable, and within one millisecond each id sorts after the previous one. */
export function ulidFactory(): ReturnType<typeof monotonicFactory> {
  return monotonicFactory(pooledRandom());
}
