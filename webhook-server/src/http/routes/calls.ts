import type { Router } from 'express';
import type { CallCreate } from '../../../../schemas/generated/types';
import { cancelCall, getCall, listCalls, startCall } from '../../domain/callRequests';
import { accountIdOf } from '../auth';
import { callListQuery, callPage } from '../callListQuery';
import type { AppContext } from '../context';
import { idempotencyKeyOf, idempotencyScope, runIdempotent, sendStored } from '../idempotency';
import { parseBody } from '../validation';

export function callRoutes({ storage, clock, calling }: AppContext, router: Router): void {
  const { db } = storage;

  router.post('/calls', async (req, res) => {
    const accountId = accountIdOf(res);
    const key = idempotencyKeyOf(req, false);
    const input = parseBody<CallCreate>('CallCreate.json', req.body);
    const start = async () => ({
      status: 201,
      body: await startCall(db, clock, calling, accountId, input, key),
    });
    if (!key) {
      const created = await start();
      res.status(created.status).json(created.body);
      return;
    }
    sendStored(res, await runIdempotent(db, clock, idempotencyScope(req, accountId, key), start));
  });

  router.get('/calls', async (req, res) => {
    const { filters, limit, after } = callListQuery(req);
    res.json(callPage(await listCalls(db, accountIdOf(res), filters, limit, after), limit));
  });

  router.get('/calls/:id', async (req, res) => {
    res.json(await getCall(db, accountIdOf(res), req.params.id));
  });

  router.post('/calls/:id/cancel', async (req, res) => {
    res.json(await cancelCall(db, clock, calling, accountIdOf(res), req.params.id));
  });
}
