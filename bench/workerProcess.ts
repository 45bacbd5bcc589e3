// One delivery worker process, forked by delivery.ts on PostgreSQL: that is how a user scales out
// (several `atlas-connect worker` processes on one database), so the one- and two-worker figures
// pay for separate processes, connection pools and claims, not for workers sharing the bench's
// event loop. Driven over IPC: `ready` once loaded; on `start` a new DeliveryWorker starts (a
// process runs a warm-up round first, as the bench process does, so its code is compiled by the
// timed round); `cpu` reports the CPU time since the last `start` (µs); `stop` drains the worker;
// `exit` closes the storage and exits.
import type { DeliveryWorker } from '../webhook-server/src/delivery/worker';
import { openStorage } from '../webhook-server/src/db/storage';
import { benchWorker } from './benchWorker';

const [databaseUrl, schema] = process.argv.slice(2);
if (!databaseUrl || !schema) throw new Error('usage: workerProcess.ts <postgres url> <schema>');

const storage = openStorage(databaseUrl, { schema });
let worker: DeliveryWorker | undefined;
let cpuAtStart = process.cpuUsage();

process.on('message', (message: string) => {
  if (message === 'start') {
    cpuAtStart = process.cpuUsage();
    worker = benchWorker(storage);
    void worker.start().then(() => process.send?.({ started: true }));
  } else if (message === 'cpu') {
    const used = process.cpuUsage(cpuAtStart);
    process.send?.({ cpuMicros: used.user + used.system });
  } else if (message === 'stop') {
    void worker?.stop().then(() => process.send?.({ stopped: true }));
  } else if (message === 'exit') {
    void storage.close().then(() => process.exit(0));
  }
});

process.send?.({ ready: true });
