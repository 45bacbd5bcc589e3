import { createHash } from 'node:crypto';
import { canonicalJson } from '../idempotency';

export const FALLBACK_WINDOW_MINUTES = 60;

export interface ActionExecution {
  action: string;
  locationId: string;
  workflowId?: string;
  contactId?: string;
  /** The action's fields (`data`), the "reference" field included. */
  data: Record<string, unknown>;
}

/**
 * The Idempotency-Key of a GHL action execution, derived as the Zapier app derives its own
 * (connector/src/idempotency.ts), because GHL, like Zapier, gives no execution id:
 *
 * - with a mapped "reference": hash(action, location, workflow, contact, reference). A retry of the
 *   same execution carries the same reference; the request fingerprint still covers the fields, so
 *   a retry after the step was edited gets 422 instead of a second call or charge;
 * - without one: hash(action, location, workflow, contact, fields, start of the current UTC hour).
 *   The same workflow acting for the same contact with the same fields within one clock hour is
 *   done once (the safe side for calls and money); a retry in a later hour is not recognised, which
 *   is why the field's help asks for a reference.
 *
 * Atlas scopes keys per account, and the location is in the hash, so two locations never collide.
 */
export function actionIdempotencyKey(execution: ActionExecution, now: Date): string {
  const reference = typeof execution.data.reference === 'string' ? execution.data.reference.trim() : '';
  const scope = [
    execution.action,
    execution.locationId,
    execution.workflowId ?? '',
    execution.contactId ?? '',
  ];
  const size = FALLBACK_WINDOW_MINUTES * 60_000;
  const window = new Date(Math.floor(now.getTime() / size) * size).toISOString();
  const parts = reference
    ? ['ref', ...scope, reference]
    : ['window', ...scope, canonicalJson(execution.data), window];
  const digest = createHash('sha256').update(canonicalJson(parts)).digest('hex');
  return `ghl-${execution.action}-${digest.slice(0, 40)}`;
}
