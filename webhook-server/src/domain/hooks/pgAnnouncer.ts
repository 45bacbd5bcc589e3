import pg from 'pg';
import { DELIVERY_CHANNEL, onNewDeliveries } from './newWork';

/**
 * Tells delivery workers in other processes that deliveries were committed: after each commit that
 * queued some (the in-process signal, newWork.ts), a NOTIFY on a connection of this process's own.
 *
 * Not a NOTIFY inside each transaction, as before: PostgreSQL serializes the commits of transactions
 * that sent one (a single lock on its notification queue, held through the commit's flush of the
 * WAL to disk), so every event's commit waited for the flush of the one before it: on the bench host
 * recordEvent went from 612 to 953 events/s with ten callers, 302 to 410 with one, when the NOTIFY
 * left the transaction (BENCHMARKS.md, round 8).
 *
 * The NOTIFY is a wake-up, not data: it commits without waiting for the flush
 * (synchronous_commit off), and signals that arrive while one is being sent make one more, not one
 * each. One lost (this process ends right after a commit, the connection fails) delays those
 * deliveries until the workers' next poll, as a lost in-process signal does.
 *
 * Returns a function that stops announcing and closes the connection (opened at the first signal).
 */
export function announceDeliveriesOverPostgres(databaseUrl: string): () => Promise<void> {
  let client: pg.Client | undefined;
  let sending: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  const connect = async (): Promise<pg.Client> => {
    const next = new pg.Client({ connectionString: databaseUrl, options: '-c synchronous_commit=off' });
    // A connection the server closes while idle: dropped here, opened again at the next signal.
    next.on('error', () => {
      if (client === next) client = undefined;
      void next.end().catch(() => undefined);
    });
    await next.connect();
    return next;
  };

  const send = async (): Promise<void> => {
    try {
      do {
        again = false;
        client ??= await connect();
        await client.query(`NOTIFY ${DELIVERY_CHANNEL}`);
      } while (again && !stopped);
    } catch {
      // The workers' poll covers what this missed; the next signal connects again.
      const broken = client;
      client = undefined;
      void broken?.end().catch(() => undefined);
    } finally {
      sending = undefined;
    }
  };

  const unsubscribe = onNewDeliveries(() => {
    if (stopped) return;
    if (sending) again = true;
    else sending = send();
  });

  return async () => {
    stopped = true;
    unsubscribe();
    await sending;
    await client?.end().catch(() => undefined);
    client = undefined;
  };
}
