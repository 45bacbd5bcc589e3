import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import helmet, { type HelmetOptions } from 'helmet';

type HeaderStep = { set: string; value: string | number | readonly string[] } | { remove: string };

/**
 * helmet's headers, taken from helmet once at startup and then set on every response. helmet stays
 * the source of truth (its defaults, its names and values), but its dozen chained middlewares run
 * once instead of on every request. Only options whose headers are the same for every request
 * (no CSP directive or nonce computed per request) can be taken once: helmet must answer
 * synchronously, without reading the request, or this refuses to start.
 */
export function securityHeaders(options?: Readonly<HelmetOptions>): RequestHandler {
  const steps: HeaderStep[] = [];
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      steps.push({ set: name, value });
      return recorder;
    },
    removeHeader(name: string) {
      steps.push({ remove: name });
    },
  };
  // A request with nothing on it: a directive that needed one would throw or produce an error here.
  const request = new Proxy({} as IncomingMessage, {
    get: () => {
      throw new Error('securityHeaders: helmet read the request, so its headers are not constant');
    },
  });
  let done = false;
  helmet(options)(request, recorder as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err instanceof Error ? err : new Error(String(err));
    done = true;
  });
  if (!done) throw new Error('securityHeaders: helmet did not finish synchronously');
  return (_req, res, next) => {
    for (const step of steps) {
      if ('set' in step) res.setHeader(step.set, step.value);
      else res.removeHeader(step.remove);
    }
    next();
  };
}
