import type { Logger } from 'pino';
import { DeliveryPump } from '../../../webhook-server/src/delivery/pump';
import type { ClaimedDelivery, ClaimRequest } from '../../../webhook-server/src/delivery/queue';
import { systemClock } from '../../../webhook-server/src/domain/clock';
import { WorkerLockLostError } from '../../../webhook-server/src/delivery/workerLock';
import { captureLogs } from '../../support/capturedLogs';
import { waitFor } from '../../support/waitFor';

function delivery(id: string, hookUrl: string): ClaimedDelivery {
  return {
    id,
    subscriptionId: 'sub_1',
    eventId: `evt_${id}`,
    hookUrl,
    attemptCount: 0,
    payload: '{}',
    secret: 'whsec_test',
    provider: 'custom',
  };
}

/** A queue with due deliveries in claim order; claims and releases are recorded. */
function fakeQueue(due: ClaimedDelivery[]) {
  const state = {
    claims: [] as Array<{ limit: number; skipHookUrls: string[] }>,
    released: [] as string[],
    refuse: undefined as Error | undefined,
  };
  return {
    state,
    claim: async ({ limit, skipHookUrls }: ClaimRequest) => {
      state.claims.push({ limit, skipHookUrls });
      if (state.refuse) throw state.refuse;
      return due.splice(0, limit).filter((d) => !skipHookUrls.includes(d.hookUrl));
    },
    release: async (ids: string[]) => void state.released.push(...ids),
  };
}

/** Attempts that stay in flight until the test finishes them. */
function heldAttempts() {
  const inFlight = new Map<string, () => void>();
  return {
    inFlight,
    attempt: (d: ClaimedDelivery) => new Promise<void>((done) => void inFlight.set(d.id, done)),
    finish(id: string) {
      inFlight.get(id)!();
      inFlight.delete(id);
    },
  };
}

/** A pump of four slots, one per hook URL unless told, over the fakes above. */
function pumpOver(
  queue: ReturnType<typeof fakeQueue>,
  attempt: (d: ClaimedDelivery) => Promise<void>,
  options: {
    active?: () => boolean;
    concurrencyPerUrl?: number;
    onLockLost?: () => void;
    logger?: Logger;
  } = {},
): DeliveryPump {
  return new DeliveryPump({
    queue,
    clock: systemClock,
    logger: options.logger ?? captureLogs().logger,
    limits: { concurrency: 4, concurrencyPerUrl: options.concurrencyPerUrl ?? 1, timeoutMs: 1000 },
    active: options.active ?? (() => true),
    attempt,
    onLockLost: options.onLockLost ?? (() => {}),
  });
}

/** Two due to one hook URL, one per URL at a time: a1 is in flight, a2 is claimed and ready. */
async function oneInFlightOneReady() {
  let active = true;
  const queue = fakeQueue([
    delivery('a1', 'https://a.example/hook'),
    delivery('a2', 'https://a.example/hook'),
  ]);
  const attempts = heldAttempts();
  const pump = pumpOver(queue, attempts.attempt, { active: () => active });
  pump.wake();
  await waitFor('the first attempt', async () => attempts.inFlight.size === 1);
  return { queue, attempts, pump, deactivate: () => void (active = false) };
}

describe('the delivery pump', () => {
  test('when one hook URL has more due than its limit, then only its limit is in flight and the rest follow as slots free up', async () => {
    const queue = fakeQueue([
      delivery('a1', 'https://a.example/hook'),
      delivery('a2', 'https://a.example/hook'),
      delivery('a3', 'https://a.example/hook'),
      delivery('b1', 'https://b.example/hook'),
    ]);
    const attempts = heldAttempts();
    const pump = pumpOver(queue, attempts.attempt);
    pump.wake();
    await waitFor('the first attempts', async () => attempts.inFlight.size === 2);
    expect([...attempts.inFlight.keys()]).toStrictEqual(['a1', 'b1']);

    attempts.finish('a1');
    await waitFor('the next attempt to that URL', async () => attempts.inFlight.has('a2'));
    expect([...attempts.inFlight.keys()]).toStrictEqual(['b1', 'a2']);
  });

  test('when it may no longer claim (the lock was lost), then a wake-up claims nothing and ready deliveries are not sent', async () => {
    const { queue, attempts, pump, deactivate } = await oneInFlightOneReady();
    const claims = queue.state.claims.length;

    deactivate();
    pump.dropReady();
    attempts.finish('a1');
    pump.wake();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(queue.state.claims).toHaveLength(claims);
    expect(attempts.inFlight.size).toBe(0);
    await pump.stop();
    // a2 was dropped, not given back: the worker that took the lock over already released it.
    expect(queue.state.released).toStrictEqual([]);
  });

  test('when a claim is refused because the lock was taken over, then the pump reports the lost lock', async () => {
    const queue = fakeQueue([]);
    queue.state.refuse = new WorkerLockLostError();
    let lost = 0;
    const logs = captureLogs();
    const pump = pumpOver(queue, async () => {}, {
      concurrencyPerUrl: 4,
      logger: logs.logger,
      onLockLost: () => void (lost += 1),
    });
    pump.wake();
    await pump.stop();
    expect(lost).toBe(1);
    expect(logs.errors()).toStrictEqual([]);
  });

  test('when it stops, then ready claims are given back and it waits for attempts in flight', async () => {
    const { queue, attempts, pump, deactivate } = await oneInFlightOneReady();
    deactivate();
    let stopped = false;
    const stopping = pump.stop().then(() => (stopped = true));
    await waitFor('the ready claim to be given back', async () => queue.state.released.length > 0);
    expect(queue.state.released).toStrictEqual(['a2']);
    expect(stopped).toBe(false);
    attempts.finish('a1');
    await stopping;
    expect(stopped).toBe(true);
  });
});
