import type { ClaimedDelivery, DeliveryQueue } from '../../webhook-server/src/delivery/queue';

/** Claims up to `limit` deliveries due now, for a minute, as a worker would. */
export function claimDueNow(queue: DeliveryQueue, limit: number): Promise<ClaimedDelivery[]> {
  const now = Date.now();
  return queue.claim({
    now: new Date(now).toISOString(),
    lockedUntil: new Date(now + 60_000).toISOString(),
    limit,
    skipHookUrls: [],
  });
}
