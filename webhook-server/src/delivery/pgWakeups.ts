import pg from 'pg';
import type { Logger } from 'pino';
import { DELIVERY_CHANNEL } from '../domain/hooks/newWork';

const RECONNECT_MS = 5_000;

/**
 * LISTENs for the NOTIFY that fan-out sends when its transaction commits, so workers in other
 * processes wake at once. On a lost connection it reconnects and signals once (a NOTIFY may have
 * been missed); the worker's poll covers the gap. Returns a function that stops listening.
 */
export function listenForDeliveries(
  databaseUrl: string,
  onSignal: () => void,
  logger: Logger,
): () => Promise<void> {
  let stopped = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;

  const reconnectLater = () => {
    if (stopped || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, RECONNECT_MS);
    retry.unref();
  };

  const connect = async () => {
    const next = new pg.Client({ connectionString: databaseUrl });
    client = next;
    next.on('notification', onSignal);
    next.on('error', (err) => {
      logger.warn({ err }, 'delivery LISTEN connection failed; reconnecting');
      void next.end().catch(() => undefined);
      reconnectLater();
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${DELIVERY_CHANNEL}`);
      onSignal();
    } catch (err) {
      logger.warn({ err }, 'delivery LISTEN could not connect; polling until it does');
      void next.end().catch(() => undefined);
      reconnectLater();
    }
  };
  void connect();

  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    await client?.end().catch(() => undefined);
  };
}
