import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';
const MAX_CACHED_KEYS = 10_000;

/**
 * Standard Webhooks signatures (v1: HMAC-SHA256 over "id.timestamp.body", base64) with Node's
 * native crypto: the standardwebhooks package hashes in plain JavaScript, ~5% of a delivery's CPU
 * time. Receivers verify with any Standard Webhooks library (the tests use standardwebhooks itself).
 */
export class WebhookSigner {
  private readonly keys = new Map<string, KeyObject>();

  /** The webhook-signature header value for one delivery attempt. */
  sign(secret: string, messageId: string, timestampSeconds: string, body: string): string {
    const digest = createHmac('sha256', this.key(secret))
      .update(`${messageId}.${timestampSeconds}.${body}`)
      .digest('base64');
    return `v1,${digest}`;
  }

  private key(secret: string): KeyObject {
    let key = this.keys.get(secret);
    if (!key) {
      const raw = Buffer.from(
        secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret,
        'base64',
      );
      if (raw.length === 0) throw new Error('signing secret is empty');
      if (this.keys.size >= MAX_CACHED_KEYS) this.keys.clear();
      key = createSecretKey(raw);
      this.keys.set(secret, key);
    }
    return key;
  }
}
