// The delivery worker every bench figure runs, in the bench process or in a worker process of its
// own (workerProcess.ts): one config, so one worker and two are compared like for like.
import pino from 'pino';
import type { Storage } from '../webhook-server/src/db/storage';
import { loadDeliveryConfig } from '../webhook-server/src/delivery/config';
import { DeliveryWorker } from '../webhook-server/src/delivery/worker';
import { systemClock } from '../webhook-server/src/domain/clock';

export const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);

export function benchWorker(storage: Storage): DeliveryWorker {
  const config = loadDeliveryConfig(
    {
      ATLAS_ALLOW_PRIVATE_HOOK_URLS: 'true',
      DELIVERY_CONCURRENCY: String(CONCURRENCY),
      DELIVERY_CONCURRENCY_PER_URL: String(CONCURRENCY),
    },
    [],
  );
  return new DeliveryWorker({ storage, clock: systemClock, logger: pino({ level: 'silent' }), config });
}
