import { verify, type KeyObject } from 'node:crypto';

export interface WebhookKeys {
  ed25519: KeyObject;
  rsa: KeyObject;
}

/**
 * Whether GHL signed these raw bytes: `X-GHL-Signature` (Ed25519) or, for webhooks that carry
 * only the deprecated header, `x-wh-signature` (RSA-SHA256). A webhook may carry both; either one
 * verifying suffices, so a wrong (unofficial) Ed25519 default cannot drop webhooks the legacy key
 * still proves. Signatures are base64.
 */
export function verifyGhlSignature(
  rawBody: Buffer,
  headers: { ed25519?: string; rsa?: string },
  keys: WebhookKeys,
): boolean {
  const check = (algorithm: string | null, key: KeyObject, signature: string | undefined) => {
    if (!signature || !/^[A-Za-z0-9+/]+={0,2}$/.test(signature.trim())) return false;
    try {
      return verify(algorithm, rawBody, key, Buffer.from(signature.trim(), 'base64'));
    } catch {
      return false;
    }
  };
  return check(null, keys.ed25519, headers.ed25519) || check('sha256', keys.rsa, headers.rsa);
}
