import type { NextFunction, RequestHandler } from 'express';

/**
 * Runs plain handlers (not error handlers) one after another as a single middleware, with Express
 * 5's rules: a handler that throws, or whose promise rejects, passes its error on; `next(err)`
 * skips the rest; `next('route')` goes on to the next handler here, as it did when each was a layer
 * of its own, so no step of a gate can be skipped by it. Why not a router layer each: every layer
 * a request walks costs a path match, a new `next` closure and an error wrapper, and the steps in
 * front of every /v1/api route were a tenth of an authenticated GET (bench:api, issue 17).
 * compose-middleware does this job but predates promises: a rejected async handler would be
 * lost, so this is written here.
 */
export function chainHandlers(steps: readonly RequestHandler[]): RequestHandler {
  return (req, res, done) => {
    const run = (index: number): void => {
      const step = steps[index];
      if (!step) return done();
      let passed = false;
      const next: NextFunction = (err?: unknown) => {
        if (passed) return;
        passed = true;
        if (!err || err === 'route') run(index + 1);
        else done(err);
      };
      // An error after the step passed the request on still goes to the error handlers, as
      // Express's own layer sends it (never rethrown: from a promise that would crash the process).
      const fail = (err: unknown) => {
        passed = true;
        done(err || new Error('Rejected promise'));
      };
      try {
        const result: unknown = step(req, res, next);
        if (isThenable(result)) result.then(undefined, fail);
      } catch (err) {
        fail(err);
      }
    };
    run(0);
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
