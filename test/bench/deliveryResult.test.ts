import { deliveryTable, type DeliveryResult } from '../../bench/deliveryResult';

const sqlite: DeliveryResult = {
  date: '2026-12-03T11:00:00.000Z',
  machine: '2 × AMD EPYC, node v20.20.2',
  stolenCpuShare: 0,
  engine: 'sqlite',
  concurrency: 32,
  rawPostsPerSecondRounds: [30000, 31000, 32000],
  durableDeliveriesPerSecondRounds: [20000, 19000, 21000],
  rawPostsPerSecond: 31000,
  durableDeliveriesPerSecond: 20000,
  ratioRounds: [0.67, 0.61, 0.66],
  ratio: 0.66,
  ratioOfMedians: 0.65,
  rawCpuMicrosPerPost: { bench: 30, receiver: 17 },
  durableCpuMicrosPerDelivery: { bench: 45, receiver: 20, machine: 92 },
  offeredEventsPerSecond: 500,
  latencyEvents: 5000,
  latencyP50Ms: 3,
  latencyP99Ms: 10,
  latencyMaxMs: 12,
  recordEventP50Ms: 1,
  recordEventP99Ms: 3,
  committedToAttemptP50Ms: 1,
  committedToAttemptP99Ms: 8,
};

const postgres: DeliveryResult = {
  ...sqlite,
  engine: 'postgres',
  ratio: 0.41,
  workerProcesses: {
    one: { deliveriesPerSecond: 12108, ratio: 0.34, cpuMicrosPerDelivery: { workers: 59, receiver: 22 } },
    two: {
      deliveriesPerSecond: 11365,
      ratio: 0.28,
      cpuMicrosPerDelivery: { workers: 77, receiver: 21, machine: 130 },
    },
  },
  peers: {
    bullmqOnRedis: {
      deliveriesPerSecond: 10949,
      ratio: 0.28,
      cpuMicrosPerDelivery: { bench: 125, receiver: 21 },
    },
    graphileWorkerOnPostgres: 'failed: connection refused',
  },
};

/** The table's rows as arrays of cells. */
function cells(table: string): string[][] {
  return table.split('\n').map((line) => line.slice(2, -2).split(' | '));
}

describe('the bench table', () => {
  it('puts each engine in its own column, each figure in its own row', () => {
    const rows = cells(deliveryTable({ sqlite, postgres }));
    expect(rows[0]).toEqual(['figure', 'SQLite', 'PostgreSQL']);
    const row = (start: string) => rows.find(([name]) => name!.startsWith(start))!;
    expect(row('raw undici')).toEqual([
      'raw undici POST/s, rounds (median)',
      '30,000 31,000 32,000 (31,000)',
      '30,000 31,000 32,000 (31,000)',
    ]);
    expect(row('ratio to raw')).toEqual([
      'ratio to raw, paired rounds (median)',
      '0.67 0.61 0.66 (**0.66**)',
      '0.67 0.61 0.66 (**0.41**)',
    ]);
    expect(row('two `worker`')[1]).toBe('—');
    expect(row('two `worker`')[2]).toBe('11,365 (0.28); 77 + 21 of 130 µs');
    expect(row('one `worker`')[2]).toBe('12,108 (0.34); 59 + 22 µs');
    // The whole machine's CPU, where the run could read it; older results without it still table.
    expect(row('CPU µs')[1]).toBe('30 + 17 / 45 + 20 of 92');
    expect(row('BullMQ')[2]).toBe('10,949 (0.28); 125 + 21 µs');
    expect(row('graphile')[2]).toBe('failed: connection refused');
    expect(row('event → first attempt')[1]).toBe('3 / 10 / 12');
  });

  it('says why an engine did not run, once', () => {
    const rows = cells(deliveryTable({ sqlite, postgres: 'skipped: set BENCH_DATABASE_URL' }));
    expect(rows[2]![2]).toBe('skipped: set BENCH_DATABASE_URL');
    expect(rows.slice(3).every((row) => row[2] === '—')).toBe(true);
  });
});
