import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import type { EventFeed } from '../../domain/eventFeed';

export interface SseOptions {
  feed: EventFeed;
  heartbeatMs: number;
  pollMs: number;
  /** Checked at each heartbeat: a revoked key or token ends the stream. */
  stillAuthorized: () => Promise<boolean>;
  shutdown: AbortSignal;
  logger: Logger;
}

/** What a client waits before reconnecting (EventSource's `retry:`), in ms. */
const RECONNECT_MS = 2000;

/**
 * Serves the feed as Server-Sent Events until the client goes, the credential is revoked or the
 * server shuts down. Each event's `id:` is the largest event id sent up to it, so a
 * reconnect with Last-Event-ID resumes exactly after what this stream delivered.
 */
export async function serveSse(req: Request, res: Response, options: SseOptions): Promise<void> {
  const { feed, logger } = options;
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    // nginx and its kin buffer responses unless told not to; a buffered stream shows nothing.
    'X-Accel-Buffering': 'no',
  });
  res.write(`retry: ${RECONNECT_MS}\n: connected\n\n`);

  let ended = false;
  let wakeUp: (() => void) | undefined;
  const end = () => {
    if (ended) return;
    ended = true;
    clearInterval(heartbeat);
    options.shutdown.removeEventListener('abort', end);
    wakeUp?.();
    res.end();
  };
  req.on('close', end);
  res.on('close', end);
  options.shutdown.addEventListener('abort', end);
  const heartbeat = setInterval(() => {
    res.write(': heartbeat\n\n');
    void options.stillAuthorized().then((valid) => {
      if (!valid) end();
    });
  }, options.heartbeatMs);

  /** Waits for ms, or less when the stream ends; a full socket buffer is waited out first. */
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  try {
    while (!ended) {
      for (const event of await feed.read()) {
        if (ended) break;
        const written = res.write(`id: ${event.resumeAfter}\ndata: ${event.payload}\n\n`);
        if (!written)
          await new Promise((resolve) => {
            res.once('drain', resolve);
            res.once('close', resolve);
          });
      }
      if (!ended) await pause(options.pollMs);
    }
  } catch (err) {
    // The client reconnects with its Last-Event-ID and misses nothing.
    logger.warn({ err }, 'event stream read failed; ending the stream');
  } finally {
    end();
  }
}
