// The benchmark's webhook receiver, in its own process so it does not share the worker's CPU time.
// Answers 200 to every POST and records, per request, how long after the event's createdAt it arrived
// and when (by event id, so the bench can also measure from the event's commit). Told a count to
// wait for, it says when its requests have reached it, so the bench need not poll the database.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const latencies: number[] = [];
const arrivals: Array<[string, number]> = [];
let count = 0;
// Only the latency phase parses bodies, so during the rate rounds raw and durable requests cost the
// receiver the same.
let recording = false;
// The count an `{ until: n }` message waits for; reached, the receiver says so once.
let expected: number | undefined;

function reachedYet(): void {
  if (expected === undefined || count < expected) return;
  expected = undefined;
  process.send?.({ reached: true });
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const arrived = Date.now();
    count += 1;
    reachedYet();
    if (recording && req.headers['webhook-id']) {
      const [event] = JSON.parse(Buffer.concat(chunks).toString()) as Array<{
        id: string;
        createdAt: string;
      }>;
      if (event) {
        latencies.push(arrived - Date.parse(event.createdAt));
        arrivals.push([event.id, arrived]);
      }
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
});
server.keepAliveTimeout = 60_000;

process.on('message', (message: string | { until: number }) => {
  if (typeof message === 'object') {
    expected = message.until;
    reachedYet();
  } else if (message === 'count') {
    process.send?.({ count });
  } else if (message === 'reset') {
    latencies.length = 0;
    arrivals.length = 0;
    count = 0;
    recording = true;
    process.send?.({ reset: true });
  } else if (message === 'cpu') {
    const usage = process.cpuUsage();
    process.send?.({ cpuMicros: usage.user + usage.system });
  } else if (message === 'stats') {
    process.send?.({ count, latencies, arrivals });
  }
});

server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
