import { changePlan, updateAccount } from '../../../webhook-server/src/domain/accounts';
import { issueApiKey } from '../../../webhook-server/src/domain/apiKeys';
import { spawnCli } from '../../support/child';
import { testEngines } from '../../support/engines';
import { openSse, type SseStream } from '../../support/sse';
import { createTenant, startTestServer, type Tenant, type TestServer } from '../../support/server';

jest.setTimeout(30_000);

describe.each(testEngines())('event stream on %s', (engine) => {
  let server: TestServer;
  let tenant: Tenant;
  const open: SseStream[] = [];

  beforeAll(async () => {
    server = await startTestServer(engine, {
      EVENT_STREAM_POLL: '50ms',
      EVENT_STREAM_HEARTBEAT: '100ms',
      EVENT_STREAM_MAX_PER_ACCOUNT: '3',
    });
  });
  beforeEach(async () => {
    tenant = await createTenant(server);
  });
  afterEach(async () => {
    for (const stream of open.splice(0)) stream.close();
  });
  afterAll(() => server.stop());

  async function connect(
    options: { apiKey?: string; lastEventId?: string; query?: string } = {},
  ): Promise<SseStream> {
    const headers: Record<string, string> = { 'api-key': options.apiKey ?? tenant.apiKey };
    if (options.lastEventId) headers['last-event-id'] = options.lastEventId;
    const stream = await openSse(`${server.url}/v1/api/events-gateway/stream${options.query ?? ''}`, headers);
    open.push(stream);
    return stream;
  }

  /** An account_updated event through the domain code; returns its company name. */
  async function rename(who: Tenant = tenant): Promise<string> {
    const companyName = `Renamed ${Math.random()}`;
    await updateAccount(server.context.storage.db, server.clock, who.account.id, { companyName });
    return companyName;
  }

  const companyOf = (message: { data: string }) =>
    JSON.parse(message.data).data.account.companyName as string;

  test('when the stream is open, then events arrive as SSE with unbuffered headers and heartbeats', async () => {
    const stream = await connect();
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(stream.headers.get('x-accel-buffering')).toBe('no');
    expect(stream.headers.get('cache-control')).toMatch(/no-cache/);

    const name = await rename();
    const [message] = await stream.received(1);
    const event = JSON.parse(message!.data);
    expect(event).toMatchObject({
      triggerName: 'account_updated',
      accountId: tenant.account.id,
      data: { account: { companyName: name } },
    });
    expect(message!.id).toBe(event.id);
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(stream.comments.filter((c) => c === 'heartbeat').length).toBeGreaterThanOrEqual(2);
  });

  test('when the client drops mid-stream and reconnects with Last-Event-ID, then it gets what it missed, once', async () => {
    const first = await connect();
    const before = [await rename(), await rename()];
    const seen = await first.received(2);
    expect(seen.map(companyOf)).toStrictEqual(before);
    first.close();

    const missed = [await rename(), await rename(), await rename()];
    const second = await connect({ lastEventId: seen[1]!.id });
    const after = await rename();
    const resumed = await second.received(4);
    expect(resumed.map(companyOf)).toStrictEqual([...missed, after]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(second.messages).toHaveLength(4);
  });

  test('when another process writes an event, then the stream shows it', async () => {
    const stream = await connect();
    const databaseUrl =
      engine === 'postgres'
        ? `${server.db.databaseUrl}?options=${encodeURIComponent(`-c search_path=${server.db.schema}`)}`
        : server.db.databaseUrl;
    const child = spawnCli(['plans', 'set', '--account', tenant.account.id, '--plan', 'pro'], {
      DATABASE_URL: databaseUrl,
    });
    expect((await child.exited).code).toBe(0);

    const [message] = await stream.received(1);
    expect(JSON.parse(message!.data)).toMatchObject({
      triggerName: 'plan_changed',
      accountId: tenant.account.id,
      data: { plan: { id: 'pro' } },
    });
  });

  test("when another account's events are written, then the stream shows only its own account's", async () => {
    const other = await createTenant(server);
    const stream = await connect();
    await rename(other);
    const mine = await rename();
    await rename(other);

    const [message] = await stream.received(1);
    expect(companyOf(message!)).toBe(mine);
    const watcher = await connect({ apiKey: other.apiKey });
    await rename(other);
    await watcher.received(1);
    expect(stream.messages.map(companyOf)).toStrictEqual([mine]);
  });

  test('when triggerName is given, then only those triggers are streamed', async () => {
    const stream = await connect({ query: '?triggerName=plan_changed' });
    await rename();
    await changePlan(server.context.storage.db, server.clock, tenant.account.id, 'pro');
    const [message] = await stream.received(1);
    expect(JSON.parse(message!.data).triggerName).toBe('plan_changed');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(stream.messages).toHaveLength(1);
  });

  test('when an account opens more streams than allowed, then the next gets 429 until one closes', async () => {
    const streams = [await connect(), await connect(), await connect()];
    expect(streams.map((s) => s.status)).toStrictEqual([200, 200, 200]);

    const refused = await connect();
    expect(refused.status).toBe(429);
    expect(refused.body.message).toMatch(/already has 3 open event streams/);
    const otherAccount = await connect({ apiKey: (await createTenant(server)).apiKey });
    expect(otherAccount.status).toBe(200);

    streams[0]!.close();
    await streams[0]!.ended;
    let again: SseStream | undefined;
    for (let i = 0; i < 50 && again?.status !== 200; i += 1) {
      again?.close();
      await new Promise((resolve) => setTimeout(resolve, 20));
      again = await connect();
    }
    expect(again?.status).toBe(200);
  });

  test('when the key is wrong or revoked, then 401; when it is revoked mid-stream, then the stream ends', async () => {
    expect((await connect({ apiKey: 'atlas_sk_wrong' })).status).toBe(401);
    const stream = await connect();
    await issueApiKey(server.context.storage.db, server.clock, tenant.account.id);
    await stream.ended;
    const refused = await connect();
    expect(refused.status).toBe(401);
    expect(refused.body.message).toMatch(/revoked/);
  });

  test('when triggerName or Last-Event-ID is malformed, then 400 says what to send', async () => {
    const badTrigger = await connect({ query: '?triggerName=call_exploded' });
    expect(badTrigger.status).toBe(400);
    expect(badTrigger.body.message).toMatch(/triggerName must be one of/);
    const badId = await connect({ lastEventId: 'nope' });
    expect(badId.status).toBe(400);
    expect(badId.body.message).toMatch(/Last-Event-ID/);
  });
});
