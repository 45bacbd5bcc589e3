import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Answers one request: set the status and headers and end it (or never end it, to test timeouts). */
export type Reply = (res: ServerResponse, request: ReceivedRequest) => void;

export const ok: Reply = (res) => res.writeHead(200).end('ok');
export const status =
  (code: number, headers: Record<string, string> = {}): Reply =>
  (res) =>
    res.writeHead(code, headers).end();

/** A local webhook receiver that records every request and replies as the test scripts it. */
export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly replies: Reply[] = [];
  private fallback: Reply = ok;
  private waiters: Array<{ count: number; resolve: () => void }> = [];
  private server!: Server;
  url = '';

  static async start(): Promise<Receiver> {
    const receiver = new Receiver();
    receiver.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request = {
          path: req.url ?? '/',
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
        };
        receiver.requests.push(request);
        (receiver.replies.shift() ?? receiver.fallback)(res, request);
        receiver.waiters = receiver.waiters.filter((w) => {
          if (receiver.requests.length < w.count) return true;
          w.resolve();
          return false;
        });
      });
    });
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}`;
    return receiver;
  }

  /** The next requests get these replies, in order; then the fallback (200 unless set). */
  reply(...replies: Reply[]): this {
    this.replies.push(...replies);
    return this;
  }

  setFallback(reply: Reply): this {
    this.fallback = reply;
    return this;
  }

  /** Resolves once `count` requests in total have arrived. */
  received(count: number, timeoutMs = 10_000): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`receiver got ${this.requests.length} of ${count} requests`)),
        timeoutMs,
      );
      this.waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  /** The first request to `path` after the first `since` requests; waits up to timeoutMs for it. */
  async firstTo(path: string, since: number, timeoutMs = 10_000): Promise<ReceivedRequest> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.requests.slice(since).find((r) => r.path === path);
      if (found) return found;
      if (Date.now() >= deadline) throw new Error(`no request to ${path} arrived within ${timeoutMs} ms`);
      await this.received(this.requests.length + 1, deadline - Date.now()).catch(() => undefined);
    }
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
