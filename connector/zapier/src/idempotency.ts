import type { ZObject } from 'zapier-platform-core';
import { createHash } from 'node:crypto';

/*
 * Why the Idempotency-Key is derived this way.
 *
 * Zapier replays a step with the inputs of the original run (autoreplay after an error, or a user
 * pressing "Replay" in the Zap history). If the first attempt did reach Atlas (a timeout after
 * the charge, say), a fresh random key would buy the minutes or start the call a second time. The
 * key must therefore be the same for a replay of the same run step and differ between runs.
 *
 * zapier-platform-core 19 gives a create no run or step id: bundle.meta carries only
 * isLoadingSample, limit, page, timezone… and the deprecated meta.zap.id, which the docs promise
 * only in performSubscribe/performUnsubscribe. So:
 *
 * 1. Preferred: the user maps a value that is unique to the run's cause into "Reference" — the
 *    trigger's Event ID (every Atlas trigger outputs one), or any other trigger's record id. A
 *    replay carries the same mapped value, a new run a new one. Key = hash(action, zap id if
 *    Zapier gives one, reference). The body is left out on purpose: a replay after the user edited
 *    the step then gets Atlas's 422 "same key, different request" instead of a second purchase.
 * 2. Fallback, no reference: key = hash(action, zap id if any, the request body, the start of the
 *    current UTC hour). Replays within the same clock hour are recognised; a second identical
 *    request from the same Zap within that hour is treated as a replay (the safe side for money
 *    and for phoning someone). A replay in a later hour is NOT recognised — which is why the
 *    input's help text asks for a reference.
 *
 * Nothing from authData goes in: tokens rotate on refresh, and a replay after a refresh must keep
 * its key. Atlas scopes keys per account, so equal keys of two accounts cannot collide.
 */
export const FALLBACK_WINDOW_MINUTES = 60;

export interface IdempotencyInput {
  action: string;
  reference?: string;
  body: unknown;
}

// Sorted keys, so {a, b} and {b, a} — which Zapier does not promise to keep in order — hash alike.
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function windowStart(now: Date, minutes = FALLBACK_WINDOW_MINUTES): string {
  const size = minutes * 60_000;
  return new Date(Math.floor(now.getTime() / size) * size).toISOString();
}

/** Only bundle.meta.zap.id is read; the narrow type lets tests pass a bare meta. */
export interface ZapMeta {
  meta?: { zap?: { id?: string } };
}

export function deriveIdempotencyKey(
  bundle: ZapMeta,
  input: IdempotencyInput,
  now: Date = new Date(),
): string {
  const zapId = bundle.meta?.zap?.id ?? '';
  const reference = input.reference?.trim();
  const parts = reference
    ? ['ref', input.action, zapId, reference]
    : ['window', input.action, zapId, canonicalJson(input.body), windowStart(now)];
  const digest = createHash('sha256').update(canonicalJson(parts)).digest('hex');
  return `zapier-${input.action}-${digest.slice(0, 40)}`;
}

/** POSTs a money- or call-placing request with the derived Idempotency-Key (see above). */
export async function postIdempotently<T>(
  z: ZObject,
  bundle: ZapMeta & { inputData: { reference?: string } },
  action: string,
  url: string,
  body: object,
): Promise<T> {
  const key = deriveIdempotencyKey(bundle, { action, reference: bundle.inputData.reference, body });
  const response = await z.request<T>({ url, method: 'POST', headers: { 'Idempotency-Key': key }, body });
  return response.data;
}
