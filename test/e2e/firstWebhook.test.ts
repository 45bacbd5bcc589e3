import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { spawnCli, type CliProcess } from '../support/child';
import { Receiver } from '../support/receiver';
import { waitFor } from '../support/waitFor';

jest.setTimeout(90_000);

/** The README's "your first webhook": server, `listen --forward-to` and `trigger` as three processes. */
describe('first webhook in three commands', () => {
  let dir: string;
  let receiver: Receiver;
  const children: CliProcess[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'atlas-first-webhook-'));
    receiver = await Receiver.start();
  });
  afterAll(async () => {
    for (const child of children) if (child.process.exitCode === null) child.process.kill('SIGKILL');
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const matchIn = (text: () => string, pattern: RegExp, what: string) =>
    waitFor(what, async () => pattern.exec(text()) ?? undefined, 30_000);

  test('when listen forwards and trigger call_completed runs, then the receiver gets it signed with the printed secret and listen prints it', async () => {
    const server = spawnCli(['serve'], {
      DATABASE_URL: `sqlite:${path.join(dir, 'atlas.sqlite')}`,
      PORT: '0',
      HOST: '127.0.0.1',
      ATLAS_SEED_DEMO: 'true',
      NODE_ENV: 'development',
    });
    children.push(server);
    const port = (await matchIn(server.stdout, /"port":(\d+)/, 'the server to listen'))[1];
    const apiKey = (await matchIn(server.stdout, /API key:\s+(\S+)/, 'the demo API key'))[1]!;
    const serverArgs = ['--server', `http://127.0.0.1:${port}`, '--api-key', apiKey];

    const listen = spawnCli(['listen', ...serverArgs, '--forward-to', `${receiver.url}/hook`], {});
    children.push(listen);
    const secret = (await matchIn(listen.stderr, /signing secret is (whsec_\S+)/, 'listen to be ready'))[1]!;

    const trigger = spawnCli(['trigger', 'call_completed', ...serverArgs], {});
    children.push(trigger);
    expect(await trigger.exited).toEqual({ code: 0, signal: null });

    const request = await waitFor('call_completed at the receiver', async () =>
      receiver.requests.find((r) => r.body.includes('"triggerName":"call_completed"')),
    );
    const [event] = new Webhook(secret).verify(request.body, {
      'webhook-id': String(request.headers['webhook-id']),
      'webhook-timestamp': String(request.headers['webhook-timestamp']),
      'webhook-signature': String(request.headers['webhook-signature']),
    }) as Array<{ id: string; triggerName: string; data: { phoneNumber: string } }>;
    expect(event).toMatchObject({ triggerName: 'call_completed', data: { phoneNumber: '+14155550100' } });
    await matchIn(
      listen.stdout,
      new RegExp(`call_completed\\s+${event!.id}\\s+\\+14155550100 3 s completed`),
      'listen to print call_completed',
    );
    await matchIn(
      listen.stdout,
      /→ POST http:\/\/127\.0\.0\.1:\d+\/hook 200/,
      'listen to print the receiver status',
    );

    listen.process.kill('SIGINT');
    expect(await listen.exited).toEqual({ code: 0, signal: null });
    expect(listen.stderr()).toMatch(/Stopped\.\n$/);
    server.process.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
  });
});
