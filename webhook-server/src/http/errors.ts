import type { ErrorRequestHandler, RequestHandler } from 'express';
import { STATUS_CODES } from 'node:http';
import type { ApiError } from '../../../schemas/generated/types';
import { AppError } from '../domain/errors';

export function errorBody(statusCode: number, message: string, details?: ApiError['details']): ApiError {
  return {
    statusCode,
    error: STATUS_CODES[statusCode] ?? 'Error',
    message,
    ...(details?.length ? { details } : {}),
  };
}

/** body-parser reports client mistakes with a `type`; each gets a message saying what to fix. */
const BODY_PARSER_ERRORS: Record<string, [number, string]> = {
  'entity.parse.failed': [400, 'The request body is not valid JSON. Check quotes, commas and brackets.'],
  'entity.too.large': [413, 'The request body is too large.'],
  'encoding.unsupported': [
    415,
    'The Content-Encoding is not supported: send the body uncompressed, or as gzip, deflate or br.',
  ],
  'charset.unsupported': [415, 'Send the body as UTF-8.'],
  'request.aborted': [400, 'The request was aborted before its body arrived.'],
  'parameters.too.many': [413, 'The form has too many parameters. Send only the documented fields.'],
};

/** The answer when PostgreSQL refuses text that validation should have refused first. */
export const UNSTORABLE_TEXT = 'A text value holds a character that cannot be stored (NUL).';

const UNDECODABLE_BODY =
  'The request body could not be decompressed: its Content-Encoding does not match the bytes sent.';
const MALFORMED_PATH =
  'The path has malformed percent-encoding (such as %ZZ). Encode ids with encodeURIComponent.';

/** zlib and brotli name their failures Z_… and ERR_… (ERR__ERROR_FORMAT_PADDING_2 and the like). */
const isDecompressionFailure = (code: unknown) =>
  typeof code === 'string' && (code.startsWith('Z_') || code.startsWith('ERR__'));

/**
 * The status and message for an error the client caused, or undefined for anything else. Client
 * errors follow the http-errors convention (body-parser's, and the zlib failure of a body whose
 * Content-Encoding lies, which body-parser wraps without a `type`): `expose` with a 4xx status. The
 * router's URIError for an undecodable path parameter carries status 400 alone.
 */
export function clientRequestError(err: unknown): [number, string] | undefined {
  const e = err as { type?: unknown; status?: unknown; expose?: unknown; code?: unknown } | null;
  if (typeof e?.status !== 'number' || e.status < 400 || e.status >= 500) return undefined;
  if (err instanceof URIError) return [400, MALFORMED_PATH];
  if (e.expose !== true) return undefined;
  if (typeof e.type === 'string' && BODY_PARSER_ERRORS[e.type]) return BODY_PARSER_ERRORS[e.type];
  if (isDecompressionFailure(e.code)) return [400, UNDECODABLE_BODY];
  return [e.status, 'The request body could not be read. Check its format.'];
}

export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404).json(errorBody(404, `No route ${req.method} ${req.path}. See /docs for the API.`));
};

/** The one error handler: client errors say what to fix; server errors reveal nothing inside. */
export const errorHandler: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  if (err instanceof AppError) {
    if (err.headers) res.set(err.headers);
    res.status(err.statusCode).json(errorBody(err.statusCode, err.message, err.details));
    return;
  }
  const known = clientRequestError(err);
  if (known) {
    res.status(known[0]).json(errorBody(known[0], known[1]));
    return;
  }
  if (isUniqueViolation(err)) {
    // A race lost to a concurrent request that created the same thing first.
    res
      .status(409)
      .json(
        errorBody(
          409,
          'This conflicts with data created at the same moment. Read the current state and retry.',
        ),
      );
    return;
  }
  if (isUnstorableText(err)) {
    // Validation refuses such text first; this catches a path that skipped it, as a client error.
    res.status(400).json(errorBody(400, UNSTORABLE_TEXT));
    return;
  }
  req.log?.error({ err }, 'unhandled error');
  res.status(500).json(errorBody(500, 'Something failed on our side. It was logged; try again shortly.'));
};

/** PostgreSQL 23505 or SQLite's unique/primary-key constraint failure. */
function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** PostgreSQL refusing NUL or an unconvertible character in text (22021, 22P05). */
function isUnstorableText(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return code === '22021' || code === '22P05';
}
