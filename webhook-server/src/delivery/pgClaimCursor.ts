/**
 * Where a PostgreSQL worker's next claim starts reading the due index.
 *
 * A claimed delivery stays in the due index (it is still pending) until its result is written, and
 * a worker holds a few hundred such rows under load: five rounds of slots claimed ahead, plus the
 * results waiting to share a write. A claim read from the start of the index stepped over every one
 * of them, fetching each row to see its lease, before reaching a row it could take: about five rows
 * read for each one claimed. So, while claims come back full (a backlog), the next one starts where
 * the last one ended. What the cursor passes by is claimed again from the start of the index:
 *
 * - at once when a claim from the cursor comes back short (the backlog has thinned), and when this
 *   worker gave claims back (release: per-URL overflow, or stopping);
 * - when a hook URL skipped since the last full scan is no longer skipped: its deliveries were left
 *   behind the cursor while it was saturated;
 * - otherwise at least once every FULL_SCAN_INTERVAL_MS: what other workers gave back, leases of a
 *   dead worker that ran out, and an event whose commit came late (after deliveries due later than
 *   it were claimed) wait at most that long behind a backlog.
 */
export const FULL_SCAN_INTERVAL_MS = 1000;

/** Read from the start of the index: '' sorts before every next_attempt_at. */
export const FROM_START = '';

export class ClaimCursor {
  /** next_attempt_at of the last delivery of the last full claim; undefined after a short one. */
  private resumeAt: string | undefined;
  /** When the next claim must read from the start whatever the cursor says (epoch ms). */
  private fullScanBy = 0;
  /** Hook URLs a claim skipped since the last full scan: their deliveries may lie behind the cursor. */
  private skipped = new Set<string>();

  /** The next_attempt_at a claim at `nowMs` skipping `skipHookUrls` reads from. */
  from(nowMs: number, skipHookUrls: readonly string[]): string {
    if (this.resumeAt === undefined || nowMs >= this.fullScanBy) return FROM_START;
    const stillSkipped = new Set(skipHookUrls);
    for (const url of this.skipped) if (!stillSkipped.has(url)) return FROM_START;
    return this.resumeAt;
  }

  /**
   * After a claim that read from `from` and asked for `limit`: it claimed `count` deliveries, the
   * last of them due at `lastDueAt`. Only a full claim moves the cursor: a short one means what
   * lies ahead was all taken, and the next claim looks behind.
   */
  claimed(
    claim: { from: string; nowMs: number; limit: number; skipHookUrls: readonly string[] },
    count: number,
    lastDueAt: string | undefined,
  ): void {
    if (claim.from === FROM_START) {
      this.fullScanBy = claim.nowMs + FULL_SCAN_INTERVAL_MS;
      this.skipped = new Set(claim.skipHookUrls);
    } else {
      for (const url of claim.skipHookUrls) this.skipped.add(url);
    }
    this.resumeAt = count === claim.limit && count > 0 ? lastDueAt : undefined;
  }

  /** Claims were given back (they lie behind the cursor): the next claim reads from the start. */
  reset(): void {
    this.resumeAt = undefined;
  }
}
