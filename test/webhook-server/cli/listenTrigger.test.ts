import { createServer } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { runCli, type CliRun } from '../../support/cliRun';
import { Receiver } from '../../support/receiver';
import { api, createTenant, startTestServer, type Tenant, type TestServer } from '../../support/server';

jest.setTimeout(30_000);

describe('atlas-connect listen and trigger', () => {
  let server: TestServer;
  let tenant: Tenant;
  let running: CliRun[] = [];

  beforeAll(async () => {
    server = await startTestServer('sqlite', {
      ATLAS_ALLOW_PRIVATE_HOOK_URLS: 'true',
      EVENT_STREAM_POLL: '50ms',
    });
  });
  beforeEach(async () => {
    tenant = await createTenant(server, 'starter');
  });
  afterEach(async () => {
    for (const run of running) run.interrupt();
    await Promise.all(running.map((run) => run.done));
    running = [];
  });
  afterAll(() => server.stop());

  const serverArgs = () => ['--server', server.url, '--api-key', tenant.apiKey];

  async function listen(...args: string[]): Promise<CliRun> {
    const run = runCli(['listen', ...serverArgs(), ...args]);
    running.push(run);
    await run.printed(/^Ready! Streaming/);
    return run;
  }

  async function trigger(name: string, ...args: string[]) {
    const run = runCli(['trigger', name, ...serverArgs(), ...args]);
    return { code: await run.done, out: run.out.join('\n'), err: run.err.join('\n') };
  }

  test.each([
    ['account_updated', /account_updated\s+evt_\w+\s+changed profilePictureUrl$/],
    ['minutes_purchased', /minutes_purchased\s+evt_\w+\s+\+1000 min/],
    ['plan_changed', /plan_changed\s+evt_\w+\s+starter → pro \(upgrade\)$/],
    ['call_started', /call_started\s+evt_\w+\s+\+14155550100$/],
    ['message_received', /message_received\s+evt_\w+\s+\+14155550100 "/],
    ['message_sent', /message_sent\s+evt_\w+\s+\+14155550100 "/],
  ])('when %s is triggered, then listen prints one line for it', async (name, line) => {
    const listening = await listen();
    // The sandbox dialer plays calls out on the server's clock, which this test drives.
    const clockDriver = setInterval(() => server.clock.advance(1000), 20);

    const triggered = await trigger(name).finally(() => clearInterval(clockDriver));

    expect(triggered).toMatchObject({ code: 0, err: '' });
    expect(triggered.out).toMatch(new RegExp(`${name} follows\\.$`));
    await listening.printed(line);
  });

  test('when minutes_low is triggered with an armed subscription, then listen --json prints its envelope', async () => {
    const receiver = await Receiver.start();
    await api(server, 'POST', '/v1/api/events-gateway/trigger/subscribe', {
      apiKey: tenant.apiKey,
      body: { hookUrl: `${receiver.url}/hook`, triggerName: 'minutes_low' },
    });
    const listening = await listen('--json', '--trigger', 'minutes_low');

    expect((await trigger('minutes_low')).code).toBe(0);

    const printed = JSON.parse(await listening.printed(/^\{"id":"evt_/));
    expect(printed).toMatchObject({ triggerName: 'minutes_low', accountId: tenant.account.id });
    await receiver.close();
  });

  test('when listen forwards, then the receiver gets [event] signed with the printed secret, and each status is printed', async () => {
    const receiver = await Receiver.start();
    const listening = await listen('--forward-to', `${receiver.url}/hook`);
    const secret = /(whsec_\S+)/.exec(await listening.printed(/signing secret is whsec_/))![1]!;

    await trigger('account_updated');

    await receiver.received(1);
    const request = receiver.requests[0]!;
    const [event] = new Webhook(secret).verify(request.body, {
      'webhook-id': String(request.headers['webhook-id']),
      'webhook-timestamp': String(request.headers['webhook-timestamp']),
      'webhook-signature': String(request.headers['webhook-signature']),
    }) as Array<{ triggerName: string; id: string }>;
    expect(event!.triggerName).toBe('account_updated');
    expect(request.headers['webhook-id']).toBe(event!.id);
    await listening.printed(new RegExp(`→ POST ${receiver.url}/hook 200 \\(\\d+ ms\\)`));
    await receiver.close();
  });

  test('when the forward target refuses connections, then listen reports it per event and keeps running', async () => {
    const closedPort = await freePort();
    const listening = await listen('--forward-to', `http://127.0.0.1:${closedPort}/hook`);

    await trigger('account_updated');
    await listening.printed(/→ POST http:\/\/127\.0\.0\.1:\d+\/hook failed: ECONNREFUSED/);
    await trigger('account_updated');

    await waitForCount(listening, /failed: ECONNREFUSED/, 2);
    listening.interrupt();
    expect(await listening.done).toBe(0);
    expect(listening.err).toContain('Stopped.');
  });

  test('when the key is wrong, the server is down or the trigger unknown, then one line and exit 1', async () => {
    const wrongKey = runCli(['listen', '--server', server.url, '--api-key', 'atlk_wrong']);
    expect(await wrongKey.done).toBe(1);
    expect(wrongKey.err).toStrictEqual([
      expect.stringMatching(/^Error: The API key is not valid .*\(HTTP 401\)$/),
    ]);

    const down = `http://127.0.0.1:${await freePort()}`;
    for (const argv of [
      ['listen', '--server', down, '--api-key', tenant.apiKey],
      ['trigger', 'account_updated', '--server', down, '--api-key', tenant.apiKey],
    ]) {
      const run = runCli(argv);
      expect(await run.done).toBe(1);
      expect(run.err).toStrictEqual([
        expect.stringMatching(
          /^Error: Cannot reach the server at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/,
        ),
      ]);
    }

    const unknown = await trigger('call_exploded');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/^Error: Unknown trigger "call_exploded"; use one of minutes_low/);

    const noKey = runCli(['trigger', 'account_updated', '--server', server.url], {
      ATLAS_API_KEY: undefined,
    });
    expect(await noKey.done).toBe(1);
    expect(noKey.err.join('\n')).toMatch(/Pass --api-key K or set ATLAS_API_KEY/);
  });

  test('when minutes_purchased is triggered on the free plan, then exit 1 with the API message', async () => {
    tenant = await createTenant(server, 'free');
    const triggered = await trigger('minutes_purchased');
    expect(triggered.code).toBe(1);
    expect(triggered.err).toMatch(/^Error: .*upgrade.*\(HTTP 403\)$/i);
  });

  test('when ATLAS_URL and ATLAS_API_KEY are set, then trigger needs no options', async () => {
    const run = runCli(['trigger', 'account_updated'], {
      ATLAS_URL: server.url,
      ATLAS_API_KEY: tenant.apiKey,
    });
    expect(await run.done).toBe(0);
  });
});

async function waitForCount(run: CliRun, pattern: RegExp, count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ([...run.out, ...run.err].filter((l) => pattern.test(l)).length < count) {
    if (Date.now() > deadline) throw new Error(`fewer than ${count} lines matched ${pattern}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A port nothing listens on: bound, then released. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
