import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { chainHandlers } from '../../../webhook-server/src/http/chainHandlers';
import { whileListening } from '../../support/listening';

/** An app with the chain in front of GET /, answering with the steps that ran (or the error). */
async function answerOf(steps: RequestHandler[]): Promise<{ status: number; body: string }> {
  const app = express();
  app.use(chainHandlers(steps));
  app.get('/', (_req, res) => {
    res.send(`route after ${String(res.locals.ran)}`);
  });
  const onError: ErrorRequestHandler = (err: Error, _req, res, _next) => {
    res.status(418).send(`error ${err.message} after ${String(res.locals.ran)}`);
  };
  app.use(onError);
  return whileListening(app, async (base) => {
    const res = await fetch(`${base}/`);
    return { status: res.status, body: await res.text() };
  });
}

const step =
  (name: string): RequestHandler =>
  (_req, res, next) => {
    res.locals.ran = [...((res.locals.ran as string[] | undefined) ?? []), name];
    next();
  };

describe('chainHandlers', () => {
  it('runs the steps in order, then the route', async () => {
    expect(await answerOf([step('a'), step('b'), step('c')])).toEqual({
      status: 200,
      body: 'route after a,b,c',
    });
  });

  it('runs asynchronous steps in order', async () => {
    const later: RequestHandler = async (req, res, next) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      step('later')(req, res, next);
    };
    expect(await answerOf([step('a'), later, step('b')])).toEqual({
      status: 200,
      body: 'route after a,later,b',
    });
  });

  it('passes a thrown error to the error handler and skips the rest', async () => {
    const thrower: RequestHandler = () => {
      throw new Error('thrown');
    };
    expect(await answerOf([step('a'), thrower, step('b')])).toEqual({
      status: 418,
      body: 'error thrown after a',
    });
  });

  it('passes a rejected promise to the error handler and skips the rest', async () => {
    const rejecter: RequestHandler = async () => {
      await Promise.resolve();
      throw new Error('rejected');
    };
    expect(await answerOf([step('a'), rejecter, step('b')])).toEqual({
      status: 418,
      body: 'error rejected after a',
    });
  });

  it('passes next(err) on and skips the rest', async () => {
    const refuser: RequestHandler = (_req, _res, next) => next(new Error('refused'));
    expect(await answerOf([refuser, step('a')])).toEqual({
      status: 418,
      body: 'error refused after undefined',
    });
  });

  it('stops where a step answers without calling next', async () => {
    const answerer: RequestHandler = (_req, res) => {
      res.status(401).send('answered');
    };
    expect(await answerOf([step('a'), answerer, step('b')])).toEqual({ status: 401, body: 'answered' });
  });

  it("treats next('route') as next(), so no later step is skipped", async () => {
    const route: RequestHandler = (_req, _res, next) => next('route');
    expect(await answerOf([route, step('b')])).toEqual({ status: 200, body: 'route after b' });
  });

  it('passes a promise rejected with a falsy value on as an error', async () => {
    const rejecter: RequestHandler = () => Promise.reject(0 as unknown as Error);
    expect(await answerOf([rejecter, step('b')])).toEqual({
      status: 418,
      body: 'error Rejected promise after undefined',
    });
  });

  it('hands an error raised after next to the error handlers, not to an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const late: RequestHandler = async (req, res, next) => {
        step('late')(req, res, next);
        await new Promise((resolve) => setTimeout(resolve, 5));
        throw new Error('late');
      };
      expect(await answerOf([late, step('b')])).toEqual({ status: 200, body: 'route after late,b' });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('ignores a second call of next from the same step', async () => {
    const twice: RequestHandler = (req, res, next) => {
      step('twice')(req, res, next);
      next();
    };
    expect(await answerOf([twice, step('b')])).toEqual({ status: 200, body: 'route after twice,b' });
  });
});
