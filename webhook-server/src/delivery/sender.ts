import { Agent, buildConnector, type Dispatcher } from 'undici';
import { assertPublicLiteral, publicOnlyLookup } from './hookTarget';
import { WebhookSigner } from './signer';

export interface AttemptResult {
  statusCode?: number;
  retryAfter?: string;
  durationMs: number;
  error?: string;
}

export interface SenderOptions {
  timeoutMs: number;
  allowPrivateHookUrls: boolean;
  /** Connections kept per origin; requests beyond it queue in the agent. */
  connectionsPerOrigin: number;
}

const MAX_ERROR_LENGTH = 300;
const RESPONSE_BODY_LIMIT = 64 * 1024;

/**
 * Sends signed deliveries over kept-alive connections. Names are resolved, and every address
 * checked, on each new connection (not once at subscribe time), so DNS rebinding cannot reach a
 * private address; IP literals are checked too. Redirects are never followed.
 */
export class HookSender {
  private readonly agent: Agent;
  private readonly signer = new WebhookSigner();

  constructor(private readonly options: SenderOptions) {
    const connectTimeout = Math.min(options.timeoutMs, 10_000);
    const connector = buildConnector({
      timeout: connectTimeout,
      ...(options.allowPrivateHookUrls ? {} : { lookup: publicOnlyLookup }),
    });
    this.agent = new Agent({
      connections: options.connectionsPerOrigin,
      keepAliveTimeout: 30_000,
      connect: options.allowPrivateHookUrls
        ? connector
        : (connectOptions, callback) => {
            try {
              assertPublicLiteral(connectOptions.hostname);
            } catch (err) {
              callback(err as Error, null);
              return;
            }
            connector(connectOptions, callback);
          },
    });
  }

  /** POSTs body to hookUrl with Standard Webhooks headers; never throws. */
  send(hookUrl: string, secret: string, messageId: string, body: string): Promise<AttemptResult> {
    // The timestamp is real time whatever the domain clock says: receivers check it against theirs.
    const timestamp = String(Math.floor(Date.now() / 1000));
    let url: URL;
    let signature: string;
    try {
      url = new URL(hookUrl);
      signature = this.signer.sign(secret, messageId, timestamp, body);
    } catch (err) {
      return Promise.resolve({ durationMs: 0, error: describeError(err, this.options.timeoutMs) });
    }
    return new Promise<AttemptResult>((resolve) => {
      const attempt = new Attempt(this.options.timeoutMs, resolve);
      try {
        this.agent.dispatch(
          {
            origin: url.origin,
            path: url.pathname + url.search,
            method: 'POST',
            body,
            headers: [
              'content-type',
              'application/json',
              'user-agent',
              'atlas-connect-webhooks/1',
              'webhook-id',
              messageId,
              'webhook-timestamp',
              timestamp,
              'webhook-signature',
              signature,
            ],
            headersTimeout: this.options.timeoutMs,
            bodyTimeout: this.options.timeoutMs,
          },
          attempt,
        );
      } catch (err) {
        attempt.onError(err as Error);
      }
    });
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

function describeError(err: unknown, timeoutMs: number): string {
  const error = err as { name?: string; code?: string; message?: string; cause?: unknown };
  if (
    error?.name === 'TimeoutError' ||
    error?.code === 'UND_ERR_HEADERS_TIMEOUT' ||
    error?.code === 'UND_ERR_BODY_TIMEOUT'
  )
    return `timed out after ${timeoutMs} ms`;
  const cause = error?.cause as { code?: string; message?: string } | undefined;
  const text = [error?.code, error?.message, cause?.message].filter(Boolean).join(': ') || 'request failed';
  return text.slice(0, MAX_ERROR_LENGTH);
}

const RETRY_AFTER = 'retry-after';

/**
 * One attempt as an undici dispatch handler: the status code and Retry-After are read from the raw
 * headers and the response body is counted and dropped, so no response stream, header object or
 * AbortSignal is built per attempt (as undici's request() does: a third of a delivery's CPU time).
 * One timer bounds the whole attempt (queueing, connect, headers, body); the response body is cut
 * after RESPONSE_BODY_LIMIT bytes, keeping the status code.
 */
class Attempt implements Dispatcher.DispatchHandler {
  private readonly started = performance.now();
  private readonly timer: NodeJS.Timeout;
  private abortRequest: ((reason: Error) => void) | undefined;
  private timedOut = false;
  private done = false;
  private statusCode: number | undefined;
  private retryAfter: string | undefined;
  private received = 0;

  constructor(
    private readonly timeoutMs: number,
    private readonly resolve: (result: AttemptResult) => void,
  ) {
    this.timer = setTimeout(() => {
      // The attempt ends now, whether or not undici has started it (a queued request is aborted
      // when it starts). A status already received stands: the receiver has answered.
      this.timedOut = true;
      this.finish(this.statusCode === undefined ? describeError(timeoutError(), timeoutMs) : undefined);
      this.abortRequest?.(timeoutError());
    }, timeoutMs);
  }

  onConnect(abort: (reason?: Error) => void): void {
    this.abortRequest = abort;
    if (this.timedOut) abort(timeoutError());
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    // 1xx informational responses precede the real one.
    if (statusCode < 200) return true;
    this.statusCode = statusCode;
    if (statusCode === 429 || statusCode === 503) {
      for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
        if (
          rawHeaders[i]!.length === RETRY_AFTER.length &&
          rawHeaders[i]!.toString('latin1').toLowerCase() === RETRY_AFTER
        ) {
          this.retryAfter = rawHeaders[i + 1]!.toString('latin1');
          break;
        }
      }
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.received += chunk.length;
    // Past the limit the rest is not worth reading: the connection is dropped, the status kept.
    if (this.received > RESPONSE_BODY_LIMIT) {
      this.finish();
      this.abortRequest?.(new Error('response body too large'));
    }
    return true;
  }

  onComplete(): void {
    this.finish();
  }

  onError(err: Error): void {
    // After the status line, a cut body (too large, too slow, or the connection closed) does not
    // change it.
    if (this.statusCode !== undefined) this.finish();
    else this.finish(describeError(this.timedOut ? timeoutError() : err, this.timeoutMs));
  }

  private finish(error?: string): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    const durationMs = Math.round(performance.now() - this.started);
    if (error !== undefined || this.statusCode === undefined) {
      this.resolve({ durationMs, error: error ?? 'request failed' });
      return;
    }
    this.resolve({
      statusCode: this.statusCode,
      ...(this.retryAfter === undefined ? {} : { retryAfter: this.retryAfter }),
      durationMs,
      ...(this.statusCode >= 300 ? { error: `HTTP ${this.statusCode}` } : {}),
    });
  }
}

function timeoutError(): Error {
  return Object.assign(new Error('attempt timed out'), { name: 'TimeoutError' });
}
