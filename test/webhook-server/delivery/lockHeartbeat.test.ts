import { LockHeartbeat, type LockHeartbeatOptions } from '../../../webhook-server/src/delivery/lockHeartbeat';
import { captureLogs, type CapturedLogs } from '../../support/capturedLogs';

/** The lock row as one test sees it: who holds it is set by the test, the heartbeat's calls counted. */
class FakeLock {
  heldByOther = false;
  heldByUs = false;
  calls: string[] = [];

  async acquire(): Promise<boolean> {
    this.calls.push('acquire');
    if (this.heldByOther) return false;
    this.heldByUs = true;
    return true;
  }

  async renew(): Promise<boolean> {
    this.calls.push('renew');
    return this.heldByUs;
  }

  async release(): Promise<void> {
    this.calls.push('release');
    this.heldByUs = false;
  }

  /** Another worker takes the lock over (this one's heartbeat came too late). */
  takenOver(): void {
    this.heldByUs = false;
    this.heldByOther = true;
  }
}

describe('the SQLite worker lock heartbeat', () => {
  let lock: FakeLock;
  let logs: CapturedLogs;
  let events: string[];

  function heartbeat(overrides: Partial<LockHeartbeatOptions> = {}): LockHeartbeat {
    const created: LockHeartbeat = new LockHeartbeat({
      lock,
      workerId: 'worker-1',
      logger: logs.logger,
      // Beats are driven by the test through beat(), never by the timer.
      intervalMs: 3_600_000,
      waitForLock: false,
      onTaken: async () => void events.push(`taken while holding=${created.holding}`),
      onTakenOver: () => void events.push('taken over'),
      onLost: () => void events.push('lost'),
      ...overrides,
    });
    return created;
  }

  beforeEach(() => {
    lock = new FakeLock();
    logs = captureLogs();
    events = [];
  });

  test('when the lock is free at start, then it is held, and claiming starts only after the previous claims are voided', async () => {
    const beats = heartbeat();
    expect(await beats.start()).toBe('held');
    expect(beats.holding).toBe(true);
    expect(events).toStrictEqual(['taken while holding=false']);
    await beats.release();
  });

  test('when another worker takes the lock over, then the next beat stops claiming, says so once and does not take it back', async () => {
    const beats = heartbeat();
    await beats.start();
    await beats.beat();
    expect(beats.holding).toBe(true);

    lock.takenOver();
    await beats.beat();
    expect(beats.holding).toBe(false);
    expect(events).toStrictEqual(['taken while holding=false', 'lost']);
    expect(logs.errors()).toMatchObject([{ worker: 'worker-1' }]);
    expect(logs.errors()[0]!.msg).toContain('lost the SQLite worker lock');

    lock.heldByOther = false;
    await beats.beat();
    beats.lost();
    expect(beats.holding).toBe(false);
    expect(events).toStrictEqual(['taken while holding=false', 'lost']);
    expect(lock.calls).toStrictEqual(['acquire', 'renew', 'renew']);

    await beats.release();
    expect(lock.calls).not.toContain('release');
  });

  test('when a claim was refused for a lost lock, then the heartbeat stops claiming at once', async () => {
    const beats = heartbeat();
    await beats.start();
    beats.lost();
    expect(beats.holding).toBe(false);
    expect(events).toStrictEqual(['taken while holding=false', 'lost']);
  });

  test('when a live worker holds the lock and waiting is not allowed, then start is refused and nothing is retried', async () => {
    lock.heldByOther = true;
    const beats = heartbeat();
    expect(await beats.start()).toBe('refused');
    await beats.beat();
    expect(beats.holding).toBe(false);
    expect(lock.calls).toStrictEqual(['acquire']);
  });

  test('when waiting and the holder goes, then a beat takes the lock over and there may be work', async () => {
    lock.heldByOther = true;
    const beats = heartbeat({ waitForLock: true });
    expect(await beats.start()).toBe('waiting');
    await beats.beat();
    expect(beats.holding).toBe(false);

    lock.heldByOther = false;
    await beats.beat();
    expect(beats.holding).toBe(true);
    expect(events).toStrictEqual(['taken while holding=false', 'taken over']);
    await beats.release();
    expect(lock.calls.at(-1)).toBe('release');
  });

  test('when opening the queue outlasts heartbeats, then they renew the lock meanwhile and claiming starts after it opened', async () => {
    let opened!: () => void;
    const beats = heartbeat({
      intervalMs: 10,
      onTaken: () => new Promise<void>((resolve) => (opened = resolve)),
    });
    const started = beats.start();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(lock.calls.filter((call) => call === 'renew').length).toBeGreaterThanOrEqual(2);
    expect(beats.holding).toBe(false);
    opened();
    await expect(started).resolves.toBe('held');
    expect(beats.holding).toBe(true);
    await beats.release();
  });

  test('when the lock is taken over while the queue opens, then the worker never claims', async () => {
    let opened!: () => void;
    const beats = heartbeat({ onTaken: () => new Promise<void>((resolve) => (opened = resolve)) });
    const started = beats.start();
    await new Promise((resolve) => setImmediate(resolve));
    lock.takenOver();
    await beats.beat();
    opened();
    await started;
    expect(beats.holding).toBe(false);
    expect(events).toStrictEqual(['lost']);
    await beats.release();
  });

  test('when voiding the previous claims fails, then the lock is not counted as held and the next beat tries again', async () => {
    lock.heldByOther = true;
    let failures = 1;
    const beats = heartbeat({
      waitForLock: true,
      onTaken: async () => {
        if (failures-- > 0) throw new Error('disk I/O error');
      },
    });
    await beats.start();
    lock.heldByOther = false;
    await beats.beat();
    expect(beats.holding).toBe(false);
    expect(logs.lines.some((line) => line.msg?.includes('heartbeat failed'))).toBe(true);
    await beats.beat();
    expect(beats.holding).toBe(true);
    await beats.release();
  });

  test('when the worker is stopping, then a waiting heartbeat no longer takes the lock over', async () => {
    lock.heldByOther = true;
    const beats = heartbeat({ waitForLock: true });
    await beats.start();
    beats.stopWaiting();
    lock.heldByOther = false;
    await beats.beat();
    expect(beats.holding).toBe(false);
    expect(lock.calls).toStrictEqual(['acquire']);
  });
});
