import type SQLite from 'better-sqlite3';

/** A due delivery as the claim reads it. */
export interface ClaimedRow {
  id: string;
  subscription_id: string;
  event_id: string;
  hook_url: string;
  attempt_count: number;
  payload: string;
  secret: string | null;
  /** The subscription's provider (null when it was removed): picks the delivery's body and headers. */
  provider: string | null;
  /** Set when the delivery dispatches (or cancels) this call at the calling platform. */
  call_id: string | null;
  /** Signed when claimed (with secret): the webhook-timestamp and webhook-signature to send. */
  webhook_timestamp?: string;
  webhook_signature?: string;
}

/** A successful attempt to record: one attempt row, and the delivery closed. */
export interface DeliveredAttempt {
  deliveryId: string;
  startedAt: string;
  durationMs: number;
  statusCode: number | null;
}

export interface DeliveryStatements {
  /**
   * Claims due deliveries and signs them. Throws an error named WorkerLockLostError when
   * requireLock and another worker holds the lock.
   */
  claim(lockedUntil: string, now: string, skipHookUrlsJson: string, limit: number): ClaimedRow[];
  delivered(attempts: DeliveredAttempt[], updatedAt: string): void;
}

export function prepareDeliveryStatements(
  sqlite: SQLite.Database,
  workerId: string,
  requireLock: boolean,
): DeliveryStatements;
