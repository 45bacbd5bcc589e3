import { updateAccount } from '../../../webhook-server/src/domain/accounts';
import { api, createTenant, startTestServer, type Tenant, type TestServer } from '../../support/server';
import { Receiver } from '../../support/receiver';
import { waitFor } from '../../support/waitFor';

/*
 * Zapier, Make and GHL hook URLs of many tenants share one origin. One tenant's receiver that
 * holds every attempt open must not delay another tenant's deliveries to the same origin.
 */
describe('tenants sharing one hook origin', () => {
  let server: TestServer;
  let receiver: Receiver;
  let slow: Tenant;
  let fast: Tenant;

  beforeAll(async () => {
    server = await startTestServer('sqlite', {
      ATLAS_ALLOW_PRIVATE_HOOK_URLS: 'true',
      DELIVERY_TIMEOUT: '4s',
      DELIVERY_CONCURRENCY_PER_URL: '2',
    });
    receiver = await Receiver.start();
    // Requests to /slow are held open (until the attempt times out); everything else gets 200.
    receiver.setFallback((res, request) => {
      if (!request.path.startsWith('/slow')) res.writeHead(200).end('ok');
    });
    slow = await createTenant(server);
    fast = await createTenant(server);
  });
  afterAll(async () => {
    await receiver.close();
    await server.stop();
  });

  const subscribe = async (tenant: Tenant, path: string) => {
    const res = await api(server, 'POST', '/v1/api/events-gateway/trigger/subscribe', {
      apiKey: tenant.apiKey,
      body: { hookUrl: receiver.url + path, triggerName: 'account_updated' },
    });
    expect(res.status).toBe(201);
  };
  const rename = (tenant: Tenant, name: string) =>
    updateAccount(server.context.storage.db, server.clock, tenant.account.id, { companyName: name });
  const arrivedAt = (path: string) => receiver.requests.filter((r) => r.path === path).length;

  test('when one tenant’s receiver holds its per-URL share of attempts, then another tenant on the same origin is still delivered at once', async () => {
    await subscribe(slow, '/slow');
    await subscribe(fast, '/fast');
    await rename(slow, 'Slow 1');
    await rename(slow, 'Slow 2');
    await rename(slow, 'Slow 3');
    await waitFor('the slow receiver to hold two attempts', async () => arrivedAt('/slow') >= 2, 3000);

    // Well inside the slow attempts' 4 s timeout: the fast delivery must not queue behind them.
    await rename(fast, 'Fast 1');
    await waitFor('the fast tenant’s delivery', async () => arrivedAt('/fast') === 1, 3000);
  });
});
