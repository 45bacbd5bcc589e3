import axios from 'axios';
import { deliveryBody, WebhookSigner, webhookTimestamp } from '../../delivery/signer';

/**
 * POSTs each streamed event to a local receiver exactly as a delivery would: body `[event]`,
 * Standard Webhooks headers signed with the secret `listen` printed. Never throws: a refused or
 * failing forward is reported and the next event is forwarded as usual.
 */
export class Forwarder {
  private readonly signer = new WebhookSigner();

  constructor(
    readonly url: string,
    readonly secret: string,
  ) {}

  /** What the receiver answered, as a line to print. */
  async forward(eventId: string, payload: string): Promise<string> {
    const body = deliveryBody(payload);
    const timestamp = webhookTimestamp();
    const started = Date.now();
    try {
      const res = await axios.post(this.url, body, {
        headers: {
          'content-type': 'application/json',
          'user-agent': 'atlas-connect-listen',
          'webhook-id': eventId,
          'webhook-timestamp': timestamp,
          'webhook-signature': this.signer.sign(this.secret, eventId, timestamp, body),
        },
        transformRequest: [(data: string) => data],
        validateStatus: () => true,
        maxRedirects: 0,
        timeout: 15_000,
      });
      return `  → POST ${this.url} ${res.status} (${Date.now() - started} ms)`;
    } catch (err) {
      const code = (err as { code?: string }).code ?? (err instanceof Error ? err.message : String(err));
      return `  → POST ${this.url} failed: ${code}`;
    }
  }
}
