/** Uniform random values k/32 (k in 0..31) from pooled CSPRNG bytes, for ulidx. */
export function pooledRandom(): () => number;

/** A ULID generator: sortable, and within one millisecond each id sorts after the previous one. */
export function ulidFactory(): () => string;
