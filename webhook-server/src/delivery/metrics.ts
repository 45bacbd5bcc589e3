import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { AttemptOutcome } from './retryPolicy';

/** Prometheus metrics of delivery; registered on the app's registry, served at /metrics. */
export class DeliveryMetrics {
  private readonly outcomes: Counter<'outcome'>;
  private readonly latency: Histogram;

  constructor(registry: Registry, dueCount: () => Promise<number>) {
    this.outcomes = new Counter({
      name: 'atlas_delivery_attempts_total',
      help: 'Delivery attempts by outcome (delivered, retry, dead, gone)',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.latency = new Histogram({
      name: 'atlas_delivery_attempt_duration_seconds',
      help: 'Duration of delivery attempts, from sending to the response or failure',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15],
      registers: [registry],
    });
    new Gauge({
      name: 'atlas_deliveries_due',
      help: 'Deliveries due now and not yet delivered (the backlog)',
      registers: [registry],
      async collect() {
        this.set(await dueCount());
      },
    });
  }

  attempted(outcome: AttemptOutcome, durationMs: number): void {
    this.outcomes.inc({ outcome });
    this.latency.observe(durationMs / 1000);
  }
}
