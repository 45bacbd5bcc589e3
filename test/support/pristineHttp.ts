import http from 'node:http';
import https from 'node:https';

/*
 * Jest runs many test files in one worker process, and Node's http and https modules are shared by
 * all of them. nock (through @mswjs/interceptors) replaces http.request, http.get, http.ClientRequest
 * and https.request/get with proxies when a file imports it, and only nock.restore() puts them back.
 * A file that forgets leaves its interceptor in front of every later file's loopback requests, and
 * that interceptor's socket neither honours request.setTimeout nor reports every answer: a request
 * whose URL is over Node's 16 KiB header limit (the server answers 431 and closes) then waited
 * forever, which is how the fuzz test hung in CI. Each file therefore starts with the functions
 * Node itself provides, kept on the shared module object by the first file of the worker.
 */

type Saved = Pick<typeof http, 'request' | 'get' | 'ClientRequest'> & {
  httpsRequest: typeof https.request;
  httpsGet: typeof https.get;
};

const KEY = Symbol.for('atlas-connect.test.pristineHttp');

function saved(): Saved {
  const holder = http as unknown as Record<symbol, Saved | undefined>;
  holder[KEY] ??= {
    request: http.request,
    get: http.get,
    ClientRequest: http.ClientRequest,
    httpsRequest: https.request,
    httpsGet: https.get,
  };
  return holder[KEY];
}

/** Records Node's own functions (first call in a worker) or puts them back (every later call). */
export function restorePristineHttp(): void {
  const original = saved();
  Object.assign(http, {
    request: original.request,
    get: original.get,
    ClientRequest: original.ClientRequest,
  });
  Object.assign(https, { request: original.httpsRequest, get: original.httpsGet });
}

/** True when http and https are Node's own, not an interceptor's proxies. */
export function httpIsPristine(): boolean {
  const original = saved();
  return (
    http.request === original.request &&
    http.get === original.get &&
    http.ClientRequest === original.ClientRequest &&
    https.request === original.httpsRequest &&
    https.get === original.httpsGet
  );
}
