import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import pino, { type Logger } from 'pino';
import { loggableUrl } from '../logger';

declare module 'node:http' {
  interface IncomingMessage {
    /** The request's id: the client's x-request-id when well-formed, else a new UUID. */
    id: string;
    /** A logger whose lines carry this request (method, url, headers as redacted). */
    log: Logger;
  }
}

/** Requests as logged: pino's standard fields, with credentials a query may carry replaced. */
const serializers = {
  req: pino.stdSerializers.wrapRequestSerializer((req) => ({ ...req, url: loggableUrl(req.url) })),
  res: pino.stdSerializers.res,
  err: pino.stdSerializers.err,
};

const REQUEST_ID = /^[\w.-]{1,128}$/;

/**
 * One access log line per request, written when its response is done (or the client left): the
 * fields and levels pino-http wrote (req, res, responseTime, "request completed"; warn for 4xx,
 * error for 5xx). Written here rather than with pino-http because pino-http builds a child logger
 * per request, serializing and redacting the request up front, which measured as the costliest
 * middleware of an API request (bench:api); here that happens once, when the line is written and
 * only if its level is enabled, and `req.log` is built the first time a route uses it.
 */
export function accessLog(logger: Logger): RequestHandler {
  const log = logger.child({}, { serializers });
  return (req, res, next) => {
    const started = Date.now();
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    req.id = id;
    res.setHeader('x-request-id', id);
    let requestLog: Logger | undefined;
    Object.defineProperty(req, 'log', {
      configurable: true,
      enumerable: false,
      get: () => (requestLog ??= log.child({ req })),
    });
    let failure: Error | undefined;
    res.once('error', (err: Error) => (failure = err));
    // 'close' follows 'finish' on a completed response and also comes when the client leaves first.
    res.once('close', () => {
      const level = failure || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info';
      if (!log.isLevelEnabled(level)) return;
      const responseTime = Date.now() - started;
      if (failure) log[level]({ req, res, err: failure, responseTime }, 'request errored');
      else if (res.statusCode >= 500)
        log[level](
          { req, res, err: new Error(`failed with status code ${res.statusCode}`), responseTime },
          'request errored',
        );
      else log[level]({ req, res, responseTime }, 'request completed');
    });
    next();
  };
}
