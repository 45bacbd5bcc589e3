import type { RequestHandler } from 'express';
import { badRequest } from '../domain/errors';
import { firstTextProblem, textProblem } from '../domain/untrustedText';

/** Printable ASCII but for `%`: no segment of such a path has malformed encoding or a control character. */
const PLAIN_PATH = /^[\x20-\x24\x26-\x7e]*$/;

/**
 * Refuses, before any route runs, what no route can use: a path whose percent-encoding does not
 * decode (`/calls/%ZZ`), and control characters or broken Unicode in the path, the query or a JSON
 * body. Each answer is a 400 naming the part to fix, the same on SQLite and PostgreSQL.
 */
export const refuseMalformedText: RequestHandler = (req, _res, next) => {
  // Most paths are plain printable ASCII without a percent sign: nothing to decode or refuse there.
  if (!PLAIN_PATH.test(req.path)) refuseMalformedPath(req.path);
  // Without a query string the parsed query is empty: nothing to check.
  const query = req.url.includes('?') ? firstTextProblem(req.query, 'identifier') : undefined;
  if (query)
    throw badRequest(`The query parameter ${query.field} ${query.message}.`, [
      { field: query.field, message: query.message },
    ]);
  const body = firstTextProblem(req.body, 'text');
  if (body) throw badRequest(`The request body is invalid: ${body.field} ${body.message}.`, [body]);
  next();
};

function refuseMalformedPath(path: string): void {
  for (const segment of path.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      throw badRequest(
        'The path has malformed percent-encoding (such as %ZZ). Encode ids with encodeURIComponent.',
        [{ field: '(path)', message: 'has malformed percent-encoding' }],
      );
    }
    const message = textProblem(decoded, 'identifier');
    if (message) throw badRequest(`The path ${message}.`, [{ field: '(path)', message }]);
  }
}
