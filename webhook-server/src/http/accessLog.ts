import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { loggableUrl } from '../logger';

const REQUEST_ID = /^[\w.-]{1,128}$/;

/** The client's X-Request-Id when it is a plain token, else a new one; echoed on the response. */
function requestIdOf(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('x-request-id', id);
  return id;
}

/**
 * The access log (pino-http): one line per request, info, warn for 4xx, error for 5xx, with the
 * request id. pino-http builds each request's child logger up front, serializing and redacting the
 * request, whatever the level; when the level writes no error line (silent, fatal), no access line
 * and no req.log line below fatal can ever be written, so that work is skipped: the request still
 * gets its id (X-Request-Id) and req.log, the server's own logger.
 */
export function accessLog(logger: Logger): RequestHandler {
  if (!logger.isLevelEnabled('error'))
    return (req, res, next) => {
      req.id = requestIdOf(req, res);
      req.log = logger;
      res.log = logger;
      next();
    };
  return pinoHttp({
    logger,
    genReqId: requestIdOf,
    serializers: { req: (req: { url: string }) => ({ ...req, url: loggableUrl(req.url) }) },
    customLogLevel: (_req, res, err) =>
      err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
  });
}
