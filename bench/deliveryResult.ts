// What one run of bench/delivery.ts reports (printed as JSON, and written to BENCH_RESULT_FILE),
// and the one table `npm run bench` prints of a SQLite and a PostgreSQL run.

export interface CpuMicros {
  bench: number;
  receiver: number;
  /** The whole machine's busy CPU time (every process, the database server's included), where /proc/stat tells. */
  machine?: number;
}

export interface PeerFigure {
  deliveriesPerSecond: number;
  /** Against the raw round run just before it, as the durable ratio is read. */
  ratio: number;
  cpuMicrosPerDelivery: CpuMicros;
}

export interface ProcessesFigure {
  deliveriesPerSecond: number;
  /** Against the raw round run just before it. */
  ratio: number;
  /** CPU time per delivery (µs): all worker processes together, and the receiver. */
  cpuMicrosPerDelivery: { workers: number; receiver: number; machine?: number };
}

export interface DeliveryResult {
  date: string;
  machine: string;
  stolenCpuShare: number | null;
  engine: (typeof ENGINES)[number];
  concurrency: number;
  rawPostsPerSecondRounds: number[];
  durableDeliveriesPerSecondRounds: number[];
  rawPostsPerSecond: number;
  durableDeliveriesPerSecond: number;
  ratioRounds: number[];
  /** The median of the paired ratios: the headline. */
  ratio: number;
  ratioOfMedians: number;
  rawCpuMicrosPerPost: CpuMicros;
  durableCpuMicrosPerDelivery: CpuMicros;
  workerProcesses?: { one: ProcessesFigure; two: ProcessesFigure };
  /** By peer; a string says why a peer did not run. */
  peers?: Record<string, PeerFigure | string>;
  offeredEventsPerSecond: number;
  latencyEvents: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number | undefined;
  recordEventP50Ms: number;
  recordEventP99Ms: number;
  committedToAttemptP50Ms: number;
  committedToAttemptP99Ms: number;
}

/** The engines a run covers, in the order they run and are tabled. */
export const ENGINES = ['sqlite', 'postgres'] as const;

export type EngineResults = Partial<Record<(typeof ENGINES)[number], DeliveryResult | string>>;

const n = (value: number) => value.toLocaleString('en-US');
const ofMachine = (machine: number | undefined) => (machine === undefined ? '' : ` of ${machine}`);
const cpu = (figure: CpuMicros) => `${figure.bench} + ${figure.receiver}${ofMachine(figure.machine)}`;

function peer(figure: PeerFigure | string | undefined): string {
  if (figure === undefined) return '—';
  if (typeof figure === 'string') return figure;
  return `${n(figure.deliveriesPerSecond)} (${figure.ratio}); ${cpu(figure.cpuMicrosPerDelivery)} µs`;
}

function processes(figure: ProcessesFigure | undefined): string {
  if (!figure) return '—';
  const { workers, receiver, machine } = figure.cpuMicrosPerDelivery;
  return `${n(figure.deliveriesPerSecond)} (${figure.ratio}); ${workers} + ${receiver}${ofMachine(machine)} µs`;
}

/** One row per figure, one column per engine (a skipped engine's column says why). */
const ROWS: Array<[string, (r: DeliveryResult) => string]> = [
  [
    'raw undici POST/s, rounds (median)',
    (r) => `${r.rawPostsPerSecondRounds.map(n).join(' ')} (${n(r.rawPostsPerSecond)})`,
  ],
  [
    'durable signed deliveries/s, rounds (median)',
    (r) => `${r.durableDeliveriesPerSecondRounds.map(n).join(' ')} (${n(r.durableDeliveriesPerSecond)})`,
  ],
  ['ratio to raw, paired rounds (median)', (r) => `${r.ratioRounds.join(' ')} (**${r.ratio}**)`],
  [
    'CPU µs a POST / a delivery, bench + receiver of the whole machine',
    (r) => `${cpu(r.rawCpuMicrosPerPost)} / ${cpu(r.durableCpuMicrosPerDelivery)}`,
  ],
  ['one `worker` process: deliveries/s (ratio); CPU µs', (r) => processes(r.workerProcesses?.one)],
  ['two `worker` processes: deliveries/s (ratio); CPU µs', (r) => processes(r.workerProcesses?.two)],
  ['BullMQ on Redis: deliveries/s (ratio); CPU µs', (r) => peer(r.peers?.bullmqOnRedis)],
  ['graphile-worker: deliveries/s (ratio); CPU µs', (r) => peer(r.peers?.graphileWorkerOnPostgres)],
  [
    'event → first attempt at 500 ev/s, p50 / p99 / max ms',
    (r) => `${r.latencyP50Ms} / ${r.latencyP99Ms} / ${r.latencyMaxMs ?? '—'}`,
  ],
  [
    'of which recordEvent / commit → attempt, p99 ms',
    (r) => `${r.recordEventP99Ms} / ${r.committedToAttemptP99Ms}`,
  ],
];

/** The markdown table of a run: SQLite and PostgreSQL side by side. */
export function deliveryTable(results: EngineResults): string {
  const engines = ENGINES.filter((engine) => results[engine] !== undefined);
  // An engine that did not run says why in its first cell.
  const cell = (engine: (typeof engines)[number], read: (r: DeliveryResult) => string, row: number) => {
    const result = results[engine]!;
    if (typeof result !== 'string') return read(result);
    return row === 0 ? result : '—';
  };
  const header = ['figure', ...engines.map((engine) => (engine === 'sqlite' ? 'SQLite' : 'PostgreSQL'))];
  const rows = ROWS.map(([name, read], row) => [name, ...engines.map((engine) => cell(engine, read, row))]);
  const lines = [header, header.map(() => '---'), ...rows];
  return lines.map((line) => `| ${line.join(' | ')} |`).join('\n');
}
