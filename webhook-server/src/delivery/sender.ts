import { Agent, buildConnector, type Dispatcher } from 'undici';
import { assertPublicLiteral, publicOnlyLookup } from './hookTarget';
import { WebhookSigner, webhookTimestamp } from './signer';

/** Standard Webhooks headers computed before the attempt, for the same secret, message id and body. */
export interface Presigned {
  timestamp: string;
  signature: string;
}

/**
 * How old a presigned timestamp may be when sent: receivers accept five minutes (standardwebhooks'
 * tolerance), and an older one is signed again anyway, so each attempt carries a recent time.
 */
const PRESIGNED_MAX_AGE_S = 30;

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
const USER_AGENT = 'atlas-connect-webhooks/1';
const RESPONSE_BODY_LIMIT = 64 * 1024;
const MAX_CACHED_TARGETS = 10_000;

/** Where undici sends a hook URL's requests. */
interface Target {
  origin: string;
  path: string;
}

/**
 * Sends signed deliveries over kept-alive connections. Names are resolved, and every address
 * checked, on each new connection (not once at subscribe time), so DNS rebinding cannot reach a
 * private address; IP literals are checked too. Redirects are never followed.
 */
export class HookSender {
  private readonly agent: Agent;
  private readonly signer = new WebhookSigner();
  /** Parsed hook URLs: most attempts go to URLs sent to before. */
  private readonly targets = new Map<string, Target>();

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

  /**
   * POSTs body to hookUrl with Standard Webhooks headers; never throws. `presigned` headers, when
   * given and recent, are sent as they are; otherwise the body is signed now. `extraHeaders` are
   * name/value pairs sent as well.
   */
  send(
    hookUrl: string,
    secret: string,
    messageId: string,
    body: string,
    presigned?: Presigned,
    extraHeaders?: string[],
  ): Promise<AttemptResult> {
    // The timestamp is real time whatever the domain clock says: receivers check it against theirs.
    let timestamp = webhookTimestamp();
    let signature: string;
    try {
      const age = Number(timestamp) - Number(presigned?.timestamp);
      if (presigned && age >= 0 && age <= PRESIGNED_MAX_AGE_S) {
        timestamp = presigned.timestamp;
        signature = presigned.signature;
      } else {
        signature = this.signer.sign(secret, messageId, timestamp, body);
      }
    } catch (err) {
      return Promise.resolve({ durationMs: 0, error: describeError(err, this.options.timeoutMs) });
    }
    return this.post(hookUrl, body, [
      'webhook-id',
      messageId,
      'webhook-timestamp',
      timestamp,
      'webhook-signature',
      signature,
      ...(extraHeaders ?? []),
    ]);
  }

  /**
   * POSTs a JSON body with these headers (name, value, name, value…) besides content-type and
   * user-agent: public addresses only, no redirects, one timeout; never throws.
   */
  post(hookUrl: string, body: string, headers: string[]): Promise<AttemptResult> {
    let target: Target;
    try {
      target = this.target(hookUrl);
    } catch (err) {
      return Promise.resolve({ durationMs: 0, error: describeError(err, this.options.timeoutMs) });
    }
    return new Promise<AttemptResult>((resolve) => {
      const attempt = new Attempt(this.options.timeoutMs, resolve);
      try {
        this.agent.dispatch(
          {
            origin: target.origin,
            path: target.path,
            method: 'POST',
            body,
            headers: ['content-type', 'application/json', 'user-agent', USER_AGENT, ...headers],
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

  private target(hookUrl: string): Target {
    let target = this.targets.get(hookUrl);
    if (!target) {
      const url = new URL(hookUrl);
      target = { origin: url.origin, path: url.pathname + url.search };
      if (this.targets.size >= MAX_CACHED_TARGETS) this.targets.clear();
      this.targets.set(hookUrl, target);
    }
    return target;
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
