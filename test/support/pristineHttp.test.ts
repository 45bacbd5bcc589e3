import http from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { httpIsPristine, restorePristineHttp } from './pristineHttp';

/** GET path on the loopback server; the status, or the error that ended the request. */
function get(port: number, path: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    req.end();
  });
}

describe('each test file starts with Node’s own http module', () => {
  let server: http.Server;
  let port: number;

  beforeAll(async () => {
    server = http.createServer((_req, res) => res.end('from the server'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  test('when a file has imported nock, then http is an interceptor’s until the next file’s setup restores it', async () => {
    // This file imported nock, as an earlier file of the worker may have: its proxies are in place.
    nock(`http://127.0.0.1:${port}`).get('/mocked').reply(418);
    expect(httpIsPristine()).toBe(false);
    expect(await get(port, '/mocked')).toBe(418);

    // What jestSetup.ts does before the next file.
    restorePristineHttp();

    expect(httpIsPristine()).toBe(true);
    // The interceptor is gone: the mock is not consulted, the server answers.
    expect(await get(port, '/mocked')).toBe(200);
    // And a URL over Node's header limit gets the server's 431 instead of waiting forever.
    expect(await get(port, `/long?q=${'x'.repeat(20_000)}`)).toBe(431);
    nock.cleanAll();
  });
});
