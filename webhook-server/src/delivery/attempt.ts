import type { Clock } from '../domain/clock';
import type { DeliveryConfig } from './config';
import type { DeliveryMetrics } from './metrics';
import type { DeliveryProviders } from './providers';
import type { ClaimedDelivery, DeliveryQueue, FinishedAttempt } from './queue';
import { decide } from './retryPolicy';
import { HookSender, type AttemptResult } from './sender';
import { outgoingRequest, targetDecision, type OutgoingRequest, type PlatformEndpoint } from './target';

export interface AttempterOptions {
  queue: Pick<DeliveryQueue, 'cancel'>;
  clock: Clock;
  config: DeliveryConfig;
  metrics?: DeliveryMetrics;
  providers?: DeliveryProviders;
  platform?: PlatformEndpoint;
  /** Takes each finished attempt (the result recorder). */
  record: (attempt: FinishedAttempt) => void;
}

/**
 * One attempt of one claimed delivery: builds its request (target.ts, or the subscription's
 * provider), sends it, decides what comes next (retryPolicy.ts) and hands the result to be recorded.
 * It owns the HTTP senders, so closing it closes their connections.
 */
export class DeliveryAttempter {
  private readonly sender: HookSender;
  /** For the calling platform, whose operator-set URL may be private (hook URLs may not). */
  private readonly platformSender: HookSender | undefined;

  constructor(private readonly options: AttempterOptions) {
    const { config } = options;
    this.sender = new HookSender({
      timeoutMs: config.timeoutMs,
      allowPrivateHookUrls: config.allowPrivateHookUrls,
      // undici counts sockets per origin, but many tenants' hook URLs share one origin
      // (hooks.zapier.com): capping sockets per origin at the per-URL bound would queue other
      // tenants' attempts inside undici, where their timeout runs before they are sent. The pump
      // bounds attempts per hook URL itself, so an origin may use up to the total concurrency.
      connectionsPerOrigin: config.concurrency,
    });
    this.platformSender = options.platform
      ? new HookSender({
          timeoutMs: config.timeoutMs,
          allowPrivateHookUrls: true,
          connectionsPerOrigin: config.concurrencyPerUrl,
        })
      : undefined;
  }

  async attempt(delivery: ClaimedDelivery): Promise<void> {
    const request = outgoingRequest(delivery, this.options.platform);
    if (request === undefined) {
      await this.options.queue.cancel(delivery.id);
      return;
    }
    const { clock, config, metrics } = this.options;
    const startedAt = clock.now().toISOString();
    // A provider with a request of its own (ghl) makes it; every other delivery is decided in target.ts.
    const provider = delivery.callId === undefined ? this.options.providers?.[delivery.provider] : undefined;
    const result = provider
      ? await provider.attempt(delivery, this.sender)
      : await this.sendRequest(delivery, request);
    const attemptNumber = delivery.attemptCount + 1;
    const decision = targetDecision(delivery, decide(result, attemptNumber, config, clock.now().getTime()));
    metrics?.attempted(decision.outcome, result.durationMs);
    this.options.record({
      deliveryId: delivery.id,
      subscriptionId: delivery.subscriptionId,
      attemptNumber,
      startedAt,
      durationMs: result.durationMs,
      statusCode: result.statusCode,
      error: result.error,
      outcome: decision.outcome,
      nextAttemptAt:
        decision.nextAttemptAt === undefined ? undefined : new Date(decision.nextAttemptAt).toISOString(),
      ...(delivery.callId ? { callId: delivery.callId } : {}),
    });
  }

  async close(): Promise<void> {
    await this.sender.close();
    await this.platformSender?.close();
  }

  private sendRequest(delivery: ClaimedDelivery, request: OutgoingRequest | string): Promise<AttemptResult> {
    if (typeof request === 'string') return Promise.resolve({ durationMs: 0, error: request });
    return this.senderFor(request).send(
      request.url,
      request.secret,
      delivery.eventId,
      request.body,
      delivery.signed,
      request.headers,
    );
  }

  /** The platform's sender only for the operator's own URL; anything else keeps the public-address guard. */
  private senderFor(request: OutgoingRequest): HookSender {
    return request.trusted && this.platformSender ? this.platformSender : this.sender;
  }
}
