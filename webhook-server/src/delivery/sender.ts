import { Agent, buildConnector, request } from 'undici';
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
  async send(hookUrl: string, secret: string, messageId: string, body: string): Promise<AttemptResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    // One plain timer bounds the whole attempt (connect, headers, body); cheaper than AbortSignal.timeout.
    const abort = new AbortController();
    const timer = setTimeout(
      () => abort.abort(Object.assign(new Error('attempt timed out'), { name: 'TimeoutError' })),
      this.options.timeoutMs,
    );
    try {
      // The timestamp is real time whatever the domain clock says: receivers check it against theirs.
      const timestamp = String(Math.floor(Date.now() / 1000));
      const signature = this.signer.sign(secret, messageId, timestamp, body);
      const response = await request(hookUrl, {
        method: 'POST',
        dispatcher: this.agent,
        body,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'atlas-connect-webhooks/1',
          'webhook-id': messageId,
          'webhook-timestamp': timestamp,
          'webhook-signature': signature,
        },
        signal: abort.signal,
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs,
      });
      await response.body.dump({ limit: RESPONSE_BODY_LIMIT }).catch(() => undefined);
      const retryAfter = response.headers['retry-after'];
      return {
        statusCode: response.statusCode,
        retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
        durationMs: elapsed(),
        ...(response.statusCode >= 300 ? { error: `HTTP ${response.statusCode}` } : {}),
      };
    } catch (err) {
      return { durationMs: elapsed(), error: describeError(err, this.options.timeoutMs) };
    } finally {
      clearTimeout(timer);
    }
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
