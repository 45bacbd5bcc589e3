import type { IncomingMessage } from 'node:http';
import { createParser } from 'eventsource-parser';
import { apiError, unreachable, type ApiClient } from '../apiClient';
import { CliError } from '../errors';

export interface StreamHandlers {
  /** Once per (re)connection, when the server accepted the stream. */
  onOpen(reconnected: boolean): void;
  /** Each event, one after another: the next waits until this one is handled. */
  onEvent(data: string): Promise<void>;
  onReconnecting(reason: string): void;
}

const RECONNECT_MS = 2000;
/** Answers that a retry may cure; others (a wrong key, bad options) end `listen`. */
const RETRYABLE = new Set([429, 502, 503, 504]);

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });

async function bodyOf(stream: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Reads GET /v1/api/events-gateway/stream until signal aborts. A dropped connection is resumed
 * with Last-Event-ID (the server replays what was missed from its events table). The first
 * connection failing, or a refusal no retry can cure (401, 400), throws a CliError.
 */
export async function followEventStream(
  client: ApiClient,
  triggerNames: string[],
  handlers: StreamHandlers,
  signal: AbortSignal,
): Promise<void> {
  let lastEventId: string | undefined;
  let connected = false;
  while (!signal.aborted) {
    let res;
    try {
      res = await client.http.get<IncomingMessage>('/v1/api/events-gateway/stream', {
        params: triggerNames.length ? { triggerName: triggerNames.join(',') } : {},
        headers: { accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
        responseType: 'stream',
        timeout: 0,
        signal,
      });
    } catch (err) {
      if (signal.aborted) return;
      if (!connected) throw unreachable(client.server, err);
      handlers.onReconnecting(unreachable(client.server, err).message);
      await sleep(RECONNECT_MS, signal);
      continue;
    }
    if (res.status !== 200) {
      const failure = apiError({ ...res, data: await bodyOf(res.data) });
      if (!connected || !RETRYABLE.has(res.status)) throw failure;
      handlers.onReconnecting(failure.message);
      await sleep(RECONNECT_MS, signal);
      continue;
    }
    handlers.onOpen(connected);
    connected = true;

    let handled = Promise.resolve();
    let failed: unknown;
    const parser = createParser({
      onEvent: (message) => {
        handled = handled.then(async () => {
          await handlers.onEvent(message.data);
          if (message.id) lastEventId = message.id;
        });
        handled.catch((err: unknown) => {
          failed = err;
          res.data.destroy();
        });
      },
    });
    try {
      for await (const chunk of res.data) parser.feed((chunk as Buffer).toString('utf8'));
    } catch {
      // the connection dropped, or Ctrl-C aborted it
    }
    await handled.catch(() => undefined);
    if (failed) throw failed instanceof Error ? failed : new CliError(String(failed));
    if (signal.aborted) return;
    handlers.onReconnecting('the server closed the stream');
    await sleep(RECONNECT_MS, signal);
  }
}
