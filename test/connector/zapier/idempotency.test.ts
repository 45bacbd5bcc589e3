import { deriveIdempotencyKey, windowStart } from '../../../connector/zapier/src/idempotency';

const at = (iso: string) => new Date(iso);
const zap = { meta: { zap: { id: 'zap_42' } } };

describe('Idempotency-Key derivation', () => {
  it('when a reference is given, then the key ignores time and body (a replay days later matches)', () => {
    const first = deriveIdempotencyKey(
      zap,
      { action: 'buy', reference: 'evt_1', body: { blocks: 1 } },
      at('2026-11-20T10:00:00Z'),
    );
    const replay = deriveIdempotencyKey(
      zap,
      { action: 'buy', reference: 'evt_1', body: { blocks: 2 } },
      at('2026-11-23T18:00:00Z'),
    );
    expect(replay).toBe(first);
  });

  it('when the reference differs, then the key differs (a new run buys again)', () => {
    const a = deriveIdempotencyKey(zap, { action: 'buy', reference: 'evt_1', body: {} });
    const b = deriveIdempotencyKey(zap, { action: 'buy', reference: 'evt_2', body: {} });
    expect(a).not.toBe(b);
  });

  it('when two Zaps use the same reference, then their keys differ', () => {
    const a = deriveIdempotencyKey(zap, { action: 'buy', reference: 'evt_1', body: {} });
    const b = deriveIdempotencyKey(
      { meta: { zap: { id: 'zap_43' } } },
      { action: 'buy', reference: 'evt_1', body: {} },
    );
    expect(a).not.toBe(b);
  });

  it('when there is no reference, then the same body within the clock hour gives the same key', () => {
    const body = { campaignId: 'c', phoneNumber: '+1', parameters: { b: '2', a: '1' } };
    const reordered = { parameters: { a: '1', b: '2' }, phoneNumber: '+1', campaignId: 'c' };
    const first = deriveIdempotencyKey(zap, { action: 'call', body }, at('2026-11-20T10:05:00Z'));
    const replay = deriveIdempotencyKey(zap, { action: 'call', body: reordered }, at('2026-11-20T10:59:59Z'));
    const nextHour = deriveIdempotencyKey(zap, { action: 'call', body }, at('2026-11-20T11:00:00Z'));
    const otherBody = deriveIdempotencyKey(
      zap,
      { action: 'call', body: { ...body, phoneNumber: '+2' } },
      at('2026-11-20T10:05:00Z'),
    );
    expect(replay).toBe(first);
    expect(nextHour).not.toBe(first);
    expect(otherBody).not.toBe(first);
  });

  it('when the window is computed, then it starts on the UTC hour', () => {
    expect(windowStart(at('2026-11-20T10:42:13.250Z'))).toBe('2026-11-20T10:00:00.000Z');
  });
});
