import { AppError } from '../../domain/errors';

/** Counts the open event streams of each account in this process and refuses one over the cap. */
export class OpenStreams {
  private readonly open = new Map<string, number>();

  constructor(private readonly maxPerAccount: number) {}

  /** Takes a place for the account's new stream; returns the function that gives it back. */
  take(accountId: string): () => void {
    const count = this.open.get(accountId) ?? 0;
    if (count >= this.maxPerAccount) {
      throw new AppError(
        429,
        `This account already has ${count} open event streams, the most allowed. Close one (another atlas-connect listen, for example) and connect again.`,
        undefined,
        { 'Retry-After': '5' },
      );
    }
    this.open.set(accountId, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(accountId) ?? 1) - 1;
      if (left > 0) this.open.set(accountId, left);
      else this.open.delete(accountId);
    };
  }
}
