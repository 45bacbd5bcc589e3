import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { requestFingerprint } from '../../../webhook-server/src/http/idempotency';
import { Receiver } from '../../support/receiver';
import { api, startTestServer, TEST_SERVICE_TOKEN, type Tenant, type TestServer } from '../../support/server';
import { componentCode } from './harness/app';
import { connectedTenant, runComponent, type MakeConnection } from './harness/connection';
import { evaluate } from './harness/iml';
import { MakeError } from './harness/runner';

/*
 * Each error mapping of the Make app (general/base.iml.json) from a real answer of the server,
 * except 429 and 5xx, which no /v1/api route answers today: those come from a local stand-in that
 * answers in the server's error shape. A network failure is a closed port.
 */

let server: TestServer;
let starter: Tenant;
let connection: MakeConnection;

beforeAll(async () => {
  server = await startTestServer('sqlite');
  ({ tenant: starter, connection } = await connectedTenant(server, 'starter'));
});

afterAll(async () => {
  await server?.stop();
});

async function failure(run: Promise<unknown>): Promise<MakeError> {
  const error = await run.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(error instanceof MakeError)) throw new Error(`expected a Make error, got ${String(error)}`);
  return error;
}

describe('the Make app’s errors', () => {
  test('when the access token is refused (401), then Make sees InvalidAccessTokenError and is told to reconnect', async () => {
    const stale = { ...connection, data: { ...connection.data, accessToken: 'not-a-token' } };
    const error = await failure(runComponent('module', 'getAccount', stale));
    expect(error).toMatchObject({ type: 'InvalidAccessTokenError', statusCode: 401 });
    expect(error.message).toMatch(
      /^Atlas refused the access token: reconnect the Atlas connection\. \(.+\)$/,
    );
  });

  test('when no call time is left (402), then Start a Call fails with a DataError carrying the server’s message', async () => {
    const { tenant, connection: free } = await connectedTenant(server, 'free');
    const used = await api(server, 'POST', '/v1/internal/call-events', {
      token: TEST_SERVICE_TOKEN,
      body: {
        type: 'call_completed',
        callId: 'make-402-call',
        campaignId: tenant.campaign.id,
        phoneNumber: '+14155550123',
        durationSeconds: 2 * 60 * 60,
        occurredAt: server.clock.now().toISOString(),
      },
    });
    expect(used.status).toBe(201);
    const error = await failure(
      runComponent('module', 'startCall', free, {
        campaignId: tenant.campaign.id,
        phoneNumber: '+14155550123',
        reference: 'r402',
      }),
    );
    expect(error).toMatchObject({ type: 'DataError', statusCode: 402 });
    expect(error.message).toMatch(/^No call time is left in this billing period/);
  });

  test('when the plan cannot buy minutes (403), then Buy Extra Minutes fails with a RuntimeError carrying the server’s message', async () => {
    const { connection: free } = await connectedTenant(server, 'free');
    const error = await failure(
      runComponent('module', 'buyExtraMinutes', free, { blocks: 1, reference: 'r403' }),
    );
    expect(error).toMatchObject({ type: 'RuntimeError', statusCode: 403 });
    expect(error.message).toMatch(/^The Free plan cannot buy extra minutes\. Upgrade/);
  });

  test('when the input is invalid (400), then a DataError names the field', async () => {
    const error = await failure(
      runComponent('module', 'startCall', connection, {
        campaignId: starter.campaign.id,
        phoneNumber: '555-0123',
        reference: 'r400',
      }),
    );
    expect(error).toMatchObject({ type: 'DataError', statusCode: 400 });
    expect(error.message).toContain('phoneNumber');
  });

  test('when a Reference is reused for another request (422), then a DataError names the Idempotency-Key', async () => {
    await runComponent('module', 'buyExtraMinutes', connection, { blocks: 1, reference: 'r422' });
    const error = await failure(
      runComponent('module', 'buyExtraMinutes', connection, { blocks: 2, reference: 'r422' }),
    );
    expect(error).toMatchObject({ type: 'DataError', statusCode: 422 });
    expect(error.message).toContain('Idempotency-Key');
  });

  test('when a call does not exist (404), then Get a Call fails with a DataError', async () => {
    const error = await failure(runComponent('module', 'getCall', connection, { callId: 'call_missing' }));
    expect(error).toMatchObject({ type: 'DataError', statusCode: 404 });
  });

  test('when the same purchase is still in progress (409), then Make sees a RateLimitError and retries with the same key', async () => {
    const parameters = { blocks: 1, reference: 'r409' };
    const headers = evaluate(componentCode('module', 'buyExtraMinutes').communication.headers, {
      parameters,
      now: new Date(),
    }) as Record<string, string>;
    const now = new Date().toISOString();
    // The first attempt's claim, as the server writes it while that attempt runs.
    await server.context.storage.db
      .insertInto('idempotency_keys')
      .values({
        account_id: starter.account.id,
        idempotency_key: headers['Idempotency-Key']!,
        fingerprint: requestFingerprint('POST', '/v1/api/billing/extra-minutes', { blocks: 1 }),
        state: 'in_progress',
        response_status: null,
        response_body: null,
        created_at: now,
        locked_at: server.clock.now().toISOString(),
      })
      .execute();
    const error = await failure(runComponent('module', 'buyExtraMinutes', connection, parameters));
    expect(error).toMatchObject({ type: 'RateLimitError', statusCode: 409 });
    expect(error.message).toMatch(/still in progress/);
  });

  describe('answers no /v1/api route gives today, from a stand-in', () => {
    let standIn: Receiver;
    beforeAll(async () => {
      standIn = await Receiver.start();
    });
    afterAll(async () => {
      await standIn?.close();
    });
    const atStandIn = () => ({ ...connection, data: { ...connection.data, baseUrl: standIn.url } });
    const answer = (status: number, headers: Record<string, string> = {}) =>
      standIn.reply((res) =>
        res
          .writeHead(status, { 'content-type': 'application/json', ...headers })
          .end(JSON.stringify({ statusCode: status, error: 'Error', message: `stand-in ${status}` })),
      );

    test('when Atlas answers 429, then Make sees a RateLimitError', async () => {
      answer(429, { 'retry-after': '5' });
      const error = await failure(runComponent('module', 'getUsage', atStandIn()));
      expect(error).toMatchObject({ type: 'RateLimitError', statusCode: 429, message: 'stand-in 429' });
    });

    test.each([500, 502, 503, 504])(
      'when Atlas answers %i, then Make sees a ConnectionError',
      async (status) => {
        answer(status);
        const error = await failure(runComponent('module', 'getUsage', atStandIn()));
        expect(error).toMatchObject({
          type: 'ConnectionError',
          statusCode: status,
          message: `[${status}] stand-in ${status}`,
        });
      },
    );
  });

  test('when Atlas cannot be reached, then Make sees a ConnectionError', async () => {
    const closed: Server = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = { ...connection, data: { ...connection.data, baseUrl: `http://127.0.0.1:${port}` } };
    const error = await failure(runComponent('module', 'getUsage', unreachable));
    expect(error.type).toBe('ConnectionError');
  });
});
