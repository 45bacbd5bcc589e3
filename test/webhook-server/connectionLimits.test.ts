import { connect, type Socket } from 'node:net';
import { request } from 'node:http';
import { loadConfig } from '../../webhook-server/src/config';
import { startTestServer, type TestServer } from '../support/server';
import { waitFor } from '../support/waitFor';

/** An attacker's socket: it sends the start of a request and then nothing. */
function idlePartialHeaders(port: number): Promise<{ socket: Socket; closed: () => boolean }> {
  return new Promise((resolve) => {
    let closed = false;
    const socket = connect({ port, host: '127.0.0.1' }, () => {
      socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
      resolve({ socket, closed: () => closed });
    });
    socket.on('error', () => undefined);
    // Read what the server answers (its 408), so its close reaches this side.
    socket.resume();
    socket.on('close', () => {
      closed = true;
    });
  });
}

/** A new client from another loopback address (Linux routes all of 127/8 to lo). */
function healthzFrom(localAddress: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/healthz', localAddress, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('connection limits', () => {
  test('when nothing is set, then headers and requests must arrive within seconds and one address is capped', () => {
    expect(loadConfig({}).connections).toStrictEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 65_000,
      maxRequestsPerSocket: 1000,
      maxConnections: 4096,
      maxConnectionsPerAddress: 256,
    });
    expect(loadConfig({ TRUST_PROXY: 'true' }).connections.maxConnectionsPerAddress).toBe(0);
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT: '1m', HTTP_REQUEST_TIMEOUT: '10s' })).toThrow(
      /HTTP_HEADERS_TIMEOUT must not be longer than HTTP_REQUEST_TIMEOUT/,
    );
    expect(() => loadConfig({ HTTP_MAX_CONNECTIONS: 'lots' })).toThrow(/HTTP_MAX_CONNECTIONS must be/);
  });

  describe('under a flood of idle partial-header sockets', () => {
    let server: TestServer;
    const attackers: Array<{ socket: Socket; closed: () => boolean }> = [];
    beforeAll(async () => {
      server = await startTestServer('sqlite', {
        HTTP_MAX_CONNECTIONS_PER_ADDRESS: '20',
        HTTP_HEADERS_TIMEOUT: '2s',
        HTTP_REQUEST_TIMEOUT: '5s',
      });
      for (let i = 0; i < 300; i += 1) attackers.push(await idlePartialHeaders(server.port));
    });
    afterAll(async () => {
      for (const { socket } of attackers) socket.destroy();
      await server.stop();
    });

    test('when one address holds more sockets than its cap, then the rest are closed and a new client is served', async () => {
      await waitFor('the sockets above the cap to be closed', async () =>
        attackers.filter((a) => a.closed()).length >= 280 ? true : undefined,
      );
      expect(await healthzFrom('127.0.0.2', server.port)).toBe(200);
    });

    test('when a socket never finishes its headers, then the server closes it', async () => {
      await waitFor('every idle socket to be closed', async () => {
        return attackers.every((a) => a.closed()) ? true : undefined;
      });
      expect(await healthzFrom('127.0.0.1', server.port)).toBe(200);
    });
  });
});
