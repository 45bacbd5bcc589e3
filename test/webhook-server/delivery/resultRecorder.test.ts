import type { FinishedAttempt } from '../../../webhook-server/src/delivery/queue';
import { ResultRecorder } from '../../../webhook-server/src/delivery/resultRecorder';
import { captureLogs } from '../../support/capturedLogs';
import { waitFor } from '../../support/waitFor';

function attempt(n: number): FinishedAttempt {
  return {
    deliveryId: `dlv_${n}`,
    subscriptionId: 'sub_1',
    attemptNumber: 1,
    startedAt: '2026-12-01T00:00:00.000Z',
    durationMs: 3,
    statusCode: 200,
    error: undefined,
    outcome: 'delivered',
    nextAttemptAt: undefined,
  };
}

const ids = (batch: FinishedAttempt[]) => batch.map((a) => a.deliveryId);

/** A queue whose writes are recorded and answered by the test, one at a time. */
function fakeQueue() {
  const writes: Array<{ batch: FinishedAttempt[]; done: () => void; fail: (err: Error) => void }> = [];
  return {
    writes,
    batches: () => writes.map((w) => ids(w.batch)),
    finish: (batch: FinishedAttempt[]) =>
      new Promise<void>((done, fail) => void writes.push({ batch, done, fail })),
  };
}

describe('the result recorder', () => {
  test('when attempts finish within the batching delay, then one write records them all', async () => {
    const queue = fakeQueue();
    const recorder = new ResultRecorder(queue, captureLogs().logger);
    for (let n = 0; n < 3; n += 1) recorder.add(attempt(n));
    expect(queue.writes).toHaveLength(0);

    await waitFor('the batch to be written', async () => queue.writes.length > 0);
    queue.writes[0]!.done();
    await recorder.drain();
    expect(queue.batches()).toStrictEqual([['dlv_0', 'dlv_1', 'dlv_2']]);
  });

  test('when a full batch has finished, then it is written at once, not after the delay', () => {
    const queue = fakeQueue();
    const recorder = new ResultRecorder(queue, captureLogs().logger);
    for (let n = 0; n < 200; n += 1) recorder.add(attempt(n));
    expect(queue.writes).toHaveLength(1);
    expect(queue.writes[0]!.batch).toHaveLength(200);
    queue.writes[0]!.done();
  });

  test('when attempts finish while a write is in progress, then they wait for it and share the next write', async () => {
    const queue = fakeQueue();
    const recorder = new ResultRecorder(queue, captureLogs().logger);
    recorder.add(attempt(0));
    const drained = recorder.drain();
    expect(queue.batches()).toStrictEqual([['dlv_0']]);
    recorder.add(attempt(1));
    recorder.add(attempt(2));
    expect(queue.writes).toHaveLength(1);

    queue.writes[0]!.done();
    await waitFor('the second write', async () => queue.writes.length === 2);
    queue.writes[1]!.done();
    await drained;
    expect(queue.batches()).toStrictEqual([['dlv_0'], ['dlv_1', 'dlv_2']]);
  });

  test('when attempts finish while a write is in progress, then they still wait for their own delay, not only for that write', async () => {
    const queue = fakeQueue();
    // A delay no test outlasts: only a full batch or drain() writes.
    const recorder = new ResultRecorder(queue, captureLogs().logger, 3_600_000);
    for (let n = 0; n < 200; n += 1) recorder.add(attempt(n));
    recorder.add(attempt(200));
    queue.writes[0]!.done();
    for (let turn = 0; turn < 3; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    // Writing it at once would make a write per write's duration under load: batches of a few.
    expect(queue.writes).toHaveLength(1);

    const drained = recorder.drain();
    expect(queue.batches()[1]).toStrictEqual(['dlv_200']);
    queue.writes[1]!.done();
    await drained;
  });

  test('when the delay of attempts waiting on a write runs out during it, then they are written as soon as it is done', async () => {
    const queue = fakeQueue();
    const recorder = new ResultRecorder(queue, captureLogs().logger, 1);
    for (let n = 0; n < 200; n += 1) recorder.add(attempt(n));
    recorder.add(attempt(200));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(queue.writes).toHaveLength(1);

    queue.writes[0]!.done();
    await waitFor('the second write', async () => queue.writes.length === 2);
    expect(queue.batches()[1]).toStrictEqual(['dlv_200']);
    queue.writes[1]!.done();
  });

  test('when a write fails, then it is logged with its size and not retried, and later attempts are still written', async () => {
    const queue = fakeQueue();
    const logs = captureLogs();
    const recorder = new ResultRecorder(queue, logs.logger);
    recorder.add(attempt(0));
    recorder.add(attempt(1));
    const drained = recorder.drain();
    queue.writes[0]!.fail(new Error('database is locked'));
    await drained;
    expect(logs.errors()).toMatchObject([{ msg: 'recording delivery attempts failed', count: 2 }]);

    recorder.add(attempt(2));
    const drainedAgain = recorder.drain();
    queue.writes[1]!.done();
    await drainedAgain;
    // The failed batch was dropped (its claims expire and it is sent again), not written a second time.
    expect(queue.batches()).toStrictEqual([['dlv_0', 'dlv_1'], ['dlv_2']]);
  });

  test('when it is drained, then every attempt added is written before drain resolves', async () => {
    const queue = fakeQueue();
    const recorder = new ResultRecorder(queue, captureLogs().logger);
    let drainedAt: number | undefined;
    recorder.add(attempt(0));
    const drained = recorder.drain().then(() => (drainedAt = queue.writes.length));
    recorder.add(attempt(1));
    queue.writes[0]!.done();
    await waitFor('the second write', async () => queue.writes.length === 2);
    expect(drainedAt).toBeUndefined();
    queue.writes[1]!.done();
    await drained;
    expect(drainedAt).toBe(2);
    expect(queue.batches().flat()).toStrictEqual(['dlv_0', 'dlv_1']);
  });
});
