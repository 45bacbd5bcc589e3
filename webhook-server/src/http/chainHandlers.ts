import type { NextFunction, RequestHandler } from 'express';

/**
 * Runs handlers one after another as a single middleware, with Express 5's rules: a handler that
 * throws, or whose promise rejects, passes its error on; `next(err)` skips the rest. Why not a
 * router layer each: every layer a request walks costs a path match, a new `next` closure and an
 * error wrapper, and the steps in front of every /v1/api route were a tenth of an authenticated GET
 * (bench:api, issue 17). compose-middleware does this job but predates promises: a rejected async
 * handler would be lost, so this is written here.
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
        if (err) done(err);
        else run(index + 1);
      };
      const fail = (err: unknown) => {
        if (passed) throw err;
        passed = true;
        done(err ?? new Error('Rejected promise'));
      };
      try {
        const result: unknown = step(req, res, next);
        if (result instanceof Promise) result.catch(fail);
      } catch (err) {
        fail(err);
      }
    };
    run(0);
  };
}
