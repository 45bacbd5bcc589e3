/** Signs Standard Webhooks deliveries; keys are decoded once per secret. */
export class WebhookSigner {
  /** The webhook-signature header value (`v1,<base64>`); throws when the secret is empty. */
  sign(secret: string, messageId: string, timestampSeconds: string, body: string): string;
}

/** What a delivery POSTs: its event envelope (JSON as stored) in a one-element array. */
export function deliveryBody(payload: string): string;

/** A webhook-timestamp: whole seconds of real time. */
export function webhookTimestamp(): string;
