/**
 * A short in-process memory of which account an API key hash belongs to, so most API requests skip
 * the key's database read. Its bound, documented in docs/security.md:
 * - a key revoked or rotated in this process (issueApiKey) stops working at once: every revocation
 *   bumps `generation`, which retires every entry of every cache in the process;
 * - a key revoked by another process (the CLI, another server) keeps working here for at most the
 *   TTL (API_KEY_CACHE_TTL), counted from the database read that admitted it.
 * Unknown and revoked keys are never remembered: a refusal always comes from the database.
 */

/** Bumped by every revocation in this process; an entry counts only if it was cached in the current one. */
let generation = 0;

/** Retires everything every cache holds: a key was revoked or rotated in this process. */
export function forgetCachedApiKeys(): void {
  generation += 1;
}

interface Entry {
  accountId: string;
  /** When the database read that found the key started (ms, by the cache's clock). */
  readAt: number;
  generation: number;
}

/** More distinct live keys than this within one TTL is not expected; past it the oldest go first. */
const MAX_ENTRIES = 10_000;

export class ApiKeyCache {
  private readonly entries = new Map<string, Entry>();

  /**
   * @param ttlMs how long an entry may answer without the database; 0 turns the cache off.
   * @param now milliseconds of the clock the TTL is measured on (the server's clock, so tests move it).
   */
  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  /** The account of an active key, from memory when read within the TTL, else from `read`. */
  async accountFor(
    keyHash: string,
    read: (keyHash: string) => Promise<string | undefined>,
  ): Promise<string | undefined> {
    if (this.ttlMs <= 0) return read(keyHash);
    const now = this.now();
    const entry = this.entries.get(keyHash);
    // A clock that went backwards (now < readAt) does not stretch the bound: the entry is re-read.
    if (entry && entry.generation === generation && now >= entry.readAt && now - entry.readAt < this.ttlMs)
      return entry.accountId;
    // A revocation while the read is in flight may not be in what it returns: such a read is not kept.
    const readGeneration = generation;
    const accountId = await read(keyHash);
    this.entries.delete(keyHash);
    if (accountId !== undefined && readGeneration === generation) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(keyHash, { accountId, readAt: now, generation: readGeneration });
    }
    return accountId;
  }
}
