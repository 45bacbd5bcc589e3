// Standard Webhooks signatures (v1: HMAC-SHA256 over "id.timestamp.body", base64) with Node's
// native crypto: the standardwebhooks package hashes in plain JavaScript, ~5% of a delivery's CPU
// time. Receivers verify with any Standard Webhooks library (the tests use standardwebhooks itself).
// The sender signs here, and so does the SQLite delivery database thread for what it claims.
import { Buffer } from 'node:buffer';
import { createHmac } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';
const MAX_CACHED_KEYS = 10_000;

/** Signs Standard Webhooks deliveries; keys are decoded once per secret. */
export class WebhookSigner {
  // Raw key bytes, decoded once per secret: createHmac with a Buffer key costs ~30% less than
  // with a KeyObject (measured: 5.9 µs against 8.5 µs a signature).
  private readonly keys = new Map<string, Buffer>();

  /** The webhook-signature header value (`v1,<base64>`); throws when the secret is empty. */
  sign(secret: string, messageId: string, timestampSeconds: string, body: string): string {
    const digest = createHmac('sha256', this.key(secret))
      .update(`${messageId}.${timestampSeconds}.${body}`)
      .digest('base64');
    return `v1,${digest}`;
  }

  private key(secret: string): Buffer {
    let key = this.keys.get(secret);
    if (!key) {
      key = Buffer.from(
        secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret,
        'base64',
      );
      if (key.length === 0) throw new Error('signing secret is empty');
      if (this.keys.size >= MAX_CACHED_KEYS) this.keys.clear();
      this.keys.set(secret, key);
    }
    return key;
  }
}

/** What a delivery POSTs: its event envelope (JSON as stored) in a one-element array. */
export function deliveryBody(payload: string): string {
  return `[${payload}]`;
}

/** A webhook-timestamp: whole seconds of real time, whatever the domain clock says (receivers check it against theirs). */
export function webhookTimestamp(): string {
  return String(Math.floor(Date.now() / 1000));
}
