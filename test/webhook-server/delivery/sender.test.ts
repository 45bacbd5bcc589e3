import { Webhook } from 'standardwebhooks';
import { HookSender } from '../../../webhook-server/src/delivery/sender';
import { Receiver } from '../../support/receiver';

const SECRET = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;
/**
 * Short enough for the timeout tests to end soon, long enough that a first request (a cold
 * connection and cold code) on a loaded test machine is never cut: at 300 ms it once was.
 */
const TIMEOUT_MS = 1500;

describe('HookSender', () => {
  let receiver: Receiver;
  let sender: HookSender;

  beforeEach(async () => {
    receiver = await Receiver.start();
    sender = new HookSender({ timeoutMs: TIMEOUT_MS, allowPrivateHookUrls: true, connectionsPerOrigin: 4 });
  });
  afterEach(async () => {
    await sender.close();
    await receiver.close();
  });

  test('when it sends, then the receiver gets the body and headers standardwebhooks verifies', async () => {
    const body = '[{"id":"evt_1"}]';
    const result = await sender.send(`${receiver.url}/hook?x=1`, SECRET, 'evt_1', body);
    expect(result).toMatchObject({ statusCode: 200 });
    expect(result.error).toBeUndefined();
    const [request] = receiver.requests;
    expect(request!.path).toBe('/hook?x=1');
    expect(request!.body).toBe(body);
    expect(request!.headers['content-type']).toBe('application/json');
    expect(new Webhook(SECRET).verify(request!.body, request!.headers as Record<string, string>)).toEqual([
      { id: 'evt_1' },
    ]);
  });

  test('when the attempt comes with recent presigned headers, then they are sent as they are', async () => {
    const timestamp = String(Math.floor(Date.now() / 1000) - 5);
    const body = '[{"id":"evt_8"}]';
    const signature = new Webhook(SECRET).sign('evt_8', new Date(Number(timestamp) * 1000), body);
    await sender.send(`${receiver.url}/hook`, SECRET, 'evt_8', body, { timestamp, signature });
    const [request] = receiver.requests;
    expect(request!.headers).toMatchObject({
      'webhook-timestamp': timestamp,
      'webhook-signature': signature,
    });
    expect(new Webhook(SECRET).verify(request!.body, request!.headers as Record<string, string>)).toEqual([
      { id: 'evt_8' },
    ]);
  });

  test('when presigned headers are older than 30 s, then the attempt is signed again with the time of sending', async () => {
    const stale = String(Math.floor(Date.now() / 1000) - 120);
    const body = '[{"id":"evt_9"}]';
    const signature = new Webhook(SECRET).sign('evt_9', new Date(Number(stale) * 1000), body);
    await sender.send(`${receiver.url}/hook`, SECRET, 'evt_9', body, { timestamp: stale, signature });
    const [request] = receiver.requests;
    const sentAt = Number(request!.headers['webhook-timestamp']);
    expect(Math.abs(sentAt - Date.now() / 1000)).toBeLessThan(5);
    expect(request!.headers['webhook-signature']).not.toBe(signature);
    expect(new Webhook(SECRET).verify(request!.body, request!.headers as Record<string, string>)).toEqual([
      { id: 'evt_9' },
    ]);
  });

  test('when the receiver answers 2xx but its body outlasts the timeout, then the status stands', async () => {
    receiver.reply((res) => {
      res.writeHead(202, { 'content-type': 'text/plain' });
      res.write('accepted, and then a slow goodbye');
      // Never ended: the attempt is cut at its deadline.
    });
    const result = await sender.send(`${receiver.url}/hook`, SECRET, 'evt_2', '[]');
    expect(result.statusCode).toBe(202);
    expect(result.error).toBeUndefined();
  });

  test('when the receiver answers with a body over 64 kB, then the status stands and the rest is not read', async () => {
    receiver.reply((res) => res.writeHead(200).end('x'.repeat(1024 * 1024)));
    const result = await sender.send(`${receiver.url}/hook`, SECRET, 'evt_3', '[]');
    expect(result).toMatchObject({ statusCode: 200 });
    expect(result.error).toBeUndefined();
  });

  test('when the receiver never answers, then the attempt times out at its deadline', async () => {
    receiver.reply(() => undefined);
    const started = Date.now();
    const result = await sender.send(`${receiver.url}/hook`, SECRET, 'evt_4', '[]');
    expect(result).toEqual({ durationMs: expect.any(Number), error: `timed out after ${TIMEOUT_MS} ms` });
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 2000);
  });

  test('when the receiver answers 503 with Retry-After, then the value is passed on', async () => {
    receiver.reply((res) => res.writeHead(503, { 'Retry-After': '120' }).end());
    const result = await sender.send(`${receiver.url}/hook`, SECRET, 'evt_5', '[]');
    expect(result).toMatchObject({ statusCode: 503, retryAfter: '120', error: 'HTTP 503' });
  });

  test('when the receiver redirects, then the redirect is not followed', async () => {
    receiver.reply((res) => res.writeHead(307, { location: `${receiver.url}/elsewhere` }).end());
    const result = await sender.send(`${receiver.url}/hook`, SECRET, 'evt_6', '[]');
    expect(result).toMatchObject({ statusCode: 307, error: 'HTTP 307' });
    expect(receiver.requests.map((r) => r.path)).toEqual(['/hook']);
  });

  test('when the hook URL is not a URL, then the attempt fails with a message, not an exception', async () => {
    const result = await sender.send('not a url', SECRET, 'evt_7', '[]');
    expect(result.statusCode).toBeUndefined();
    expect(result.error).toMatch(/Invalid URL/);
  });
});
