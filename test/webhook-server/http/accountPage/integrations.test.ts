import { ulid } from 'ulidx';
import { subscribe as subscribeHook } from '../../../../webhook-server/src/domain/hooks/subscriptions';
import { validatorFor } from '../../../../webhook-server/src/http/validation';
import { pageGet, pagePost, signIn, type PageClient } from '../../../support/accountPage';
import { testEngines } from '../../../support/engines';
import { authorizeCode, exchangeCode, registerClient } from '../../../support/oauth';
import { openSse } from '../../../support/sse';
import { api, createTenant, startTestServer, type Tenant, type TestServer } from '../../../support/server';

const HOOK_URL = 'http://127.0.0.1:9/hooks/catch/123456/abcdef-secret-path';

describe.each(testEngines())('Integrations tab (%s)', (engine) => {
  let server: TestServer;
  let tenant: Tenant;
  let intruder: Tenant;
  let client: PageClient;
  let intruderClient: PageClient;

  beforeAll(async () => {
    server = await startTestServer(engine, {
      DELIVERY_WORKER: 'false',
      ATLAS_ALLOW_PRIVATE_HOOK_URLS: 'true',
      EVENT_STREAM_HEARTBEAT: '200ms',
    });
    tenant = await createTenant(server);
    intruder = await createTenant(server);
    client = await signIn(server, tenant.account.adminEmail, tenant.password);
    intruderClient = await signIn(server, intruder.account.adminEmail, intruder.password);
  });
  afterAll(() => server.stop());

  const subscribe = async (owner: Tenant, triggerName = 'account_updated') =>
    (
      await api(server, 'POST', '/v1/api/events-gateway/trigger/subscribe', {
        apiKey: owner.apiKey,
        body: { hookUrl: HOOK_URL, triggerName, provider: 'zapier' },
      })
    ).body;

  /** A delivery of a fresh event to the subscription, in the given state, with its attempts. */
  const insertDelivery = async (
    owner: Tenant,
    subscriptionId: string,
    at: string,
    status: 'pending' | 'delivered' | 'dead' | 'cancelled',
    attempts: { startedAt: string; durationMs: number; outcome: 'delivered' | 'retry' | 'dead' }[] = [],
  ) => {
    const { db } = server.context.storage;
    const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`
      .toUpperCase()
      .padEnd(16, '0');
    const eventId = `evt_${at.replace(/\D/g, '').slice(0, 10)}${suffix}`;
    const deliveryId = `dlv_${at.replace(/\D/g, '').slice(0, 10)}${suffix}`;
    await db
      .insertInto('events')
      .values({
        id: eventId,
        account_id: owner.account.id,
        campaign_id: null,
        trigger_name: 'account_updated',
        payload: '{}',
        created_at: at,
      })
      .execute();
    await db
      .insertInto('deliveries')
      .values({
        id: deliveryId,
        account_id: owner.account.id,
        subscription_id: subscriptionId,
        event_id: eventId,
        hook_url: HOOK_URL,
        status,
        attempt_count: attempts.length,
        next_attempt_at: status === 'pending' ? at : null,
        locked_until: null,
        locked_by: null,
        last_status_code: attempts.length ? 500 : null,
        last_error: null,
        created_at: at,
        updated_at: at,
        delivered_at: status === 'delivered' ? at : null,
      })
      .execute();
    for (const [i, attempt] of attempts.entries()) {
      await db
        .insertInto('delivery_attempts')
        .values({
          id: `att_${deliveryId.slice(4)}${i}`,
          delivery_id: deliveryId,
          started_at: attempt.startedAt,
          duration_ms: attempt.durationMs,
          status_code: attempt.outcome === 'delivered' ? 200 : 500,
          error: attempt.outcome === 'delivered' ? null : 'HTTP 500',
          outcome: attempt.outcome,
        })
        .execute();
    }
    return deliveryId;
  };

  test("when another account's app, hook or delivery id is in a URL, then the answer is 404 and nothing changes", async () => {
    const hook = await subscribe(tenant);
    const dead = await insertDelivery(tenant, hook.id, server.clock.now().toISOString(), 'dead', [
      { startedAt: server.clock.now().toISOString(), durationMs: 12, outcome: 'dead' },
    ]);
    const app = await registerClient(server);
    const code = await authorizeCode(server, tenant, app);
    const tokens = (await exchangeCode(server, app, code)).body;

    for (const path of [
      `/account/integrations/apps/${app.clientId}/disconnect`,
      `/account/integrations/hooks/${hook.id}/delete`,
      `/account/integrations/hooks/${hook.id}/test`,
      `/account/integrations/deliveries/${dead}/replay`,
      '/account/integrations/hooks/sub_01JUNKJUNKJUNKJUNKJUNKJUNK/delete',
    ]) {
      const res = await pagePost(server, intruderClient, path);
      expect({ path, status: res.status }).toStrictEqual({ path, status: 404 });
      expect(res.text).toContain('Not found in this account');
    }
    const filtered = await pageGet(server, intruderClient, `/account/integrations?subscription=${hook.id}`);
    expect(filtered.text).toContain('No deliveries match.');
    expect(filtered.text).not.toContain(dead);
    // All still there for their owner.
    expect((await api(server, 'GET', '/v1/api/account', { token: tokens.access_token })).status).toBe(200);
    const hooks = await api(server, 'GET', '/v1/api/events-gateway/trigger/subscriptions', {
      apiKey: tenant.apiKey,
    });
    expect(hooks.body.data.map((h: { id: string }) => h.id)).toContain(hook.id);
    const deliveries = await api(server, 'GET', `/v1/api/events-gateway/deliveries?status=dead`, {
      apiKey: tenant.apiKey,
    });
    expect(deliveries.body.data.map((d: { id: string }) => d.id)).toContain(dead);
  });

  test('when the admin disconnects an app, then it leaves the list and its access token gets 401 on the API', async () => {
    const app = await registerClient(server);
    const tokens = (await exchangeCode(server, app, await authorizeCode(server, tenant, app))).body;
    expect((await api(server, 'GET', '/v1/api/usage', { token: tokens.access_token })).status).toBe(200);
    const listed = await pageGet(server, client, '/account/integrations');
    expect(listed.text).toContain(`<td>${app.name}</td>`);
    const res = await pagePost(server, client, `/account/integrations/apps/${app.clientId}/disconnect`);
    expect(res.location).toBe('/account/integrations?done=disconnected');
    expect((await api(server, 'GET', '/v1/api/usage', { token: tokens.access_token })).status).toBe(401);
    const refreshed = await exchangeCode(server, app, 'x');
    expect(refreshed.status).toBe(400);
    expect((await pageGet(server, client, '/account/integrations')).text).not.toContain(
      `<td>${app.name}</td>`,
    );
  });

  test('when the admin rotates the API key, then the new key is shown once, works, and the old one is revoked', async () => {
    const own = await createTenant(server);
    const session = await signIn(server, own.account.adminEmail, own.password);
    const res = await pagePost(server, session, '/account/integrations/api-key');
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const key = /<p class="secret" id="new-api-key">(atlk_[\w-]+)<\/p>/.exec(res.text)?.[1];
    expect(key).toBeDefined();
    expect((await api(server, 'GET', '/v1/api/account', { apiKey: key })).status).toBe(200);
    expect((await api(server, 'GET', '/v1/api/account', { apiKey: own.apiKey })).status).toBe(401);
    const later = await pageGet(server, session, '/account/integrations');
    expect(later.text).not.toContain(key);
    expect(later.text).toContain(`<code>${key!.slice(0, 9)}…</code>`);
  });

  test('when the page lists hooks, then each shows its shortened URL and health, and no secret is in the page', async () => {
    const own = await createTenant(server);
    const session = await signIn(server, own.account.adminEmail, own.password);
    const hook = await subscribe(own);
    const now = server.clock.now().toISOString();
    await insertDelivery(own, hook.id, now, 'delivered', [
      { startedAt: now, durationMs: 30, outcome: 'delivered' },
    ]);
    await insertDelivery(own, hook.id, now, 'pending', [
      { startedAt: now, durationMs: 30, outcome: 'retry' },
    ]);
    const page = await pageGet(server, session, '/account/integrations');
    expect(page.text).toContain('<code>127.0.0.1:9/hooks/catch/123…</code>');
    expect(page.text).not.toContain('abcdef-secret-path');
    expect(page.text).not.toContain(hook.secret);
    expect(page.text).not.toContain(own.apiKey);
    expect(page.text).toMatch(/Last success [^<]+<br \/><span class="status-dead" ?>50% failed<\/span ?>/);
    expect(page.text).toContain('(1 of 2 attempts, 24 h)');
  });

  test('when the delivery log is filtered, then only matching deliveries show, and a dead one can be replayed', async () => {
    const own = await createTenant(server);
    const session = await signIn(server, own.account.adminEmail, own.password);
    const updated = await subscribe(own, 'account_updated');
    const other = await subscribe(own, 'plan_changed');
    const now = server.clock.now().toISOString();
    const dead = await insertDelivery(own, updated.id, now, 'dead', [
      { startedAt: now, durationMs: 15, outcome: 'dead' },
    ]);
    const delivered = await insertDelivery(own, other.id, now, 'delivered', [
      { startedAt: now, durationMs: 15, outcome: 'delivered' },
    ]);
    const byStatus = await pageGet(server, session, '/account/integrations?status=dead');
    expect(byStatus.text).toContain(`data-delivery="${dead}"`);
    expect(byStatus.text).not.toContain(`data-delivery="${delivered}"`);
    const bySubscription = await pageGet(server, session, `/account/integrations?subscription=${other.id}`);
    expect(bySubscription.text).toContain(`data-delivery="${delivered}"`);
    expect(bySubscription.text).not.toContain(`data-delivery="${dead}"`);
    expect((await pageGet(server, session, '/account/integrations?status=lost')).status).toBe(400);
    expect((await pageGet(server, session, '/account/integrations?trigger=nope')).status).toBe(400);

    const replayed = await pagePost(server, session, `/account/integrations/deliveries/${dead}/replay`);
    expect(replayed.location).toBe('/account/integrations?done=replayed');
    const row = await server.context.storage.db
      .selectFrom('deliveries')
      .select(['status', 'attempt_count'])
      .where('id', '=', dead)
      .executeTakeFirstOrThrow();
    expect(row).toStrictEqual({ status: 'pending', attempt_count: 0 });
    expect(
      (await pagePost(server, session, `/account/integrations/deliveries/${delivered}/replay`)).status,
    ).toBe(303);
    expect((await pagePost(server, session, `/account/integrations/deliveries/${dead}/replay`)).status).toBe(
      409,
    );
  });

  test('when the admin sends a test event to a hook, then a test delivery of its trigger shows in the log', async () => {
    const own = await createTenant(server);
    const session = await signIn(server, own.account.adminEmail, own.password);
    const hook = await subscribe(own, 'call_completed');
    const sent = await pagePost(server, session, `/account/integrations/hooks/${hook.id}/test`);
    expect(sent.location).toBe('/account/integrations?done=tested');
    const deliveries = await api(
      server,
      'GET',
      `/v1/api/events-gateway/deliveries?subscriptionId=${hook.id}`,
      {
        apiKey: own.apiKey,
      },
    );
    expect(deliveries.body.data).toHaveLength(1);
    expect(deliveries.body.data[0]).toMatchObject({ triggerName: 'call_completed', status: 'pending' });
    const page = await pageGet(server, session, sent.location!);
    expect(page.text).toContain('A test event is on its way to the hook');
    expect(page.text).toContain(`data-delivery="${deliveries.body.data[0].id}"`);
  });

  test('when the account has more hooks than a page shows, then More hooks pages through every one of them', async () => {
    const owner = await createTenant(server);
    const made: string[] = [];
    for (let i = 0; i < 101; i++) {
      const { subscription } = await subscribeHook(
        server.context.storage.db,
        server.clock,
        owner.account.id,
        {
          hookUrl: `${HOOK_URL}/${i}`,
          triggerName: 'call_completed',
          provider: 'zapier',
        },
      );
      made.push(subscription.id);
    }
    const ownerClient = await signIn(server, owner.account.adminEmail, owner.password);
    const listed = (page: { text: string }) =>
      [...page.text.matchAll(/action="\/account\/integrations\/hooks\/(sub_\w+)\/delete"/g)].map((m) => m[1]);
    const first = await pageGet(server, ownerClient, '/account/integrations');
    const next = /href="(\/account\/integrations\?hooks_after=sub_\w+)#hooks-title">More hooks/.exec(
      first.text,
    )?.[1];
    expect(next).toBeDefined();
    const second = await pageGet(server, ownerClient, next!);
    expect(second.status).toBe(200);
    expect(second.text).not.toContain('>More hooks<');
    expect(second.text).toContain('>First hooks<');
    expect([...listed(first), ...listed(second)].sort()).toStrictEqual([...made].sort());
    expect(listed(first)).toHaveLength(100);
    expect((await pageGet(server, ownerClient, '/account/integrations?hooks_after=nonsense')).status).toBe(
      400,
    );
  });

  test('when the admin deletes a hook, then it is unsubscribed', async () => {
    const hook = await subscribe(tenant, 'minutes_low');
    const res = await pagePost(server, client, `/account/integrations/hooks/${hook.id}/delete`);
    expect(res.location).toBe('/account/integrations?done=deleted');
    const hooks = await api(server, 'GET', '/v1/api/events-gateway/trigger/subscriptions', {
      apiKey: tenant.apiKey,
    });
    expect(hooks.body.data.map((h: { id: string }) => h.id)).not.toContain(hook.id);
  });

  test('when deliveries of a known set are counted, then each hour, outcome and latency percentile is exact', async () => {
    const own = await createTenant(server);
    const session = await signIn(server, own.account.adminEmail, own.password);
    const hook = await subscribe(own);
    const otherHook = await subscribe(intruder, 'plan_changed');
    server.clock.set('2026-06-01T12:30:00.000Z');
    const at = (time: string) => `2026-06-01T${time}.000Z`;
    const current = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    for (const [i, ms] of current.slice(0, 3).entries())
      await insertDelivery(own, hook.id, at(`12:0${i}:00`), 'delivered', [
        { startedAt: at(`12:0${i}:01`), durationMs: ms, outcome: 'delivered' },
      ]);
    await insertDelivery(own, hook.id, at('12:05:00'), 'pending', [
      { startedAt: at('12:05:01'), durationMs: 40, outcome: 'retry' },
    ]);
    await insertDelivery(own, hook.id, at('12:06:00'), 'pending'); // queued, never tried: no outcome yet
    await insertDelivery(
      own,
      hook.id,
      at('12:07:00'),
      'dead',
      current.slice(4).map((ms, i) => ({
        startedAt: at(`12:1${i}:00`),
        durationMs: ms,
        outcome: i === 5 ? 'dead' : 'retry',
      })),
    );
    await insertDelivery(own, hook.id, at('12:08:00'), 'cancelled');
    await insertDelivery(own, hook.id, at('09:15:00'), 'delivered', [
      { startedAt: at('09:15:01'), durationMs: 7, outcome: 'retry' },
      { startedAt: at('09:20:01'), durationMs: 5, outcome: 'delivered' },
    ]);
    // Older than 24 hours, and another account's: not counted.
    await insertDelivery(own, hook.id, '2026-05-31T12:59:59.000Z', 'delivered', [
      { startedAt: '2026-05-31T12:59:59.000Z', durationMs: 999, outcome: 'delivered' },
    ]);
    await insertDelivery(intruder, otherHook.id, at('12:10:00'), 'dead', [
      { startedAt: at('12:10:00'), durationMs: 999, outcome: 'dead' },
    ]);

    const viaPage = await fetch(`${server.url}/account/integrations/stats.json`, {
      headers: { cookie: `atlas_account_session=${session.cookies.get('atlas_account_session')}` },
    });
    const stats: any = await viaPage.json();
    const viaApi = await api(server, 'GET', '/v1/api/events-gateway/deliveries/stats', {
      apiKey: own.apiKey,
    });
    expect(viaApi.body).toStrictEqual(stats);
    expect(validatorFor('DeliveryStats.json')(stats)).toBe(true);
    expect(stats.from).toBe('2026-05-31T13:00:00.000Z');
    expect(stats.hours).toHaveLength(24);
    const empty = { delivered: 0, retrying: 0, dead: 0, attempts: 0, p50Ms: null, p95Ms: null };
    expect(stats.hours[0]).toStrictEqual({ hour: '2026-05-31T13:00:00.000Z', ...empty });
    expect(stats.hours[20]).toStrictEqual({
      hour: '2026-06-01T09:00:00.000Z',
      delivered: 1,
      retrying: 0,
      dead: 0,
      attempts: 2,
      p50Ms: 5,
      p95Ms: 7,
    });
    expect(stats.hours[23]).toStrictEqual({
      hour: '2026-06-01T12:00:00.000Z',
      delivered: 3,
      retrying: 1,
      dead: 1,
      attempts: 10,
      p50Ms: 50,
      p95Ms: 100,
    });
    expect(stats.totals).toStrictEqual({
      delivered: 4,
      retrying: 1,
      dead: 1,
      attempts: 12,
      p50Ms: 40,
      p95Ms: 100,
    });
    const page = await pageGet(server, session, '/account/integrations');
    expect(page.text).toContain(
      '4 delivered, 1 retrying, 1 dead · attempt latency p50 40 ms, p95 100 ms (12 attempts)',
    );
  });

  test("when the live tail polls, then it gets the account's events after the last one it showed, one that committed late too, and never another account's", async () => {
    const own = await createTenant(server);
    const session = await signIn(server, own.account.adminEmail, own.password);
    const tail = async (after?: string): Promise<any> =>
      (
        await fetch(`${server.url}/account/integrations/tail.json${after ? `?after=${after}` : ''}`, {
          headers: { cookie: `atlas_account_session=${session.cookies.get('atlas_account_session')}` },
        })
      ).json();
    await api(server, 'PATCH', '/v1/api/account', { apiKey: own.apiKey, body: { companyName: 'First' } });
    const first = await tail();
    expect(first.data.map((e: { triggerName: string }) => e.triggerName)).toStrictEqual(['account_updated']);
    await api(server, 'PATCH', '/v1/api/account', {
      apiKey: intruder.apiKey,
      body: { companyName: 'Not yours' },
    });
    await api(server, 'PATCH', '/v1/api/account', { apiKey: own.apiKey, body: { companyName: 'Second' } });
    const next = await tail(first.data[0].id);
    // The event shown comes again (it is within the lookback window), and the page drops it: one new.
    const newer = next.data.filter((e: { id: string }) => e.id > first.data[0].id);
    expect(newer).toHaveLength(1);
    expect(next.data.map((e: { id: string }) => e.id)).toStrictEqual([first.data[0].id, newer[0].id]);

    // An event whose id was made before the newest shown, but which committed after it (a slow transaction).
    const late = `evt_${ulid(Date.now() - 2_000)}`;
    await server.context.storage.db
      .insertInto('events')
      .values({
        id: late,
        account_id: own.account.id,
        campaign_id: null,
        trigger_name: 'account_updated',
        payload: '{}',
        created_at: new Date().toISOString(),
      })
      .execute();
    const afterLate = await tail(newer[0].id);
    expect(afterLate.data.map((e: { id: string }) => e.id)).toContain(late);
    expect(
      (
        await fetch(`${server.url}/account/integrations/tail.json?after=<script>`, {
          headers: { cookie: `atlas_account_session=${session.cookies.get('atlas_account_session')}` },
        })
      ).status,
    ).toBe(400);
  });

  test("when the live tail streams, then the account's new events arrive and another account's never do, and it needs a live session", async () => {
    const own = await createTenant(server);
    const session = await signIn(server, own.account.adminEmail, own.password);
    const cookie = `atlas_account_session=${session.cookies.get('atlas_account_session')}`;
    const refused = await openSse(`${server.url}/account/integrations/stream`, {});
    expect(refused.status).toBe(401);
    const stream = await openSse(`${server.url}/account/integrations/stream`, { cookie });
    try {
      expect(stream.status).toBe(200);
      await api(server, 'PATCH', '/v1/api/account', {
        apiKey: intruder.apiKey,
        body: { adminName: 'Not yours' },
      });
      await api(server, 'PATCH', '/v1/api/account', { apiKey: own.apiKey, body: { adminName: 'Streamed' } });
      const [message] = await stream.received(1);
      const event = JSON.parse(message!.data);
      expect(event).toMatchObject({ accountId: own.account.id, triggerName: 'account_updated' });
      expect(event.data.account.adminName).toBe('Streamed');
      // Signing out ends the stream at its next heartbeat.
      await pagePost(server, session, '/account/sign-out');
      await stream.ended;
    } finally {
      stream.close();
    }
  });
});
