import type { Router } from 'express';
import type { AccountUpdate } from '../../../../schemas/generated/types';
import { getAccountRow, toAccount, updateAccount } from '../../domain/accounts';
import { PLANS } from '../../domain/plans';
import { getUsage } from '../../domain/usage';
import { accountIdOf } from '../auth';
import type { AppContext } from '../context';
import { parseBody } from '../validation';

export function accountRoutes({ storage, clock }: AppContext, router: Router): void {
  const { db } = storage;

  router.get('/account', async (_req, res) => {
    res.json(toAccount(await getAccountRow(db, accountIdOf(res))));
  });

  router.patch('/account', async (req, res) => {
    const update = parseBody<AccountUpdate>('AccountUpdate.json', req.body);
    res.json(await updateAccount(db, clock, accountIdOf(res), update));
  });

  router.get('/plans', (_req, res) => {
    res.json({ data: PLANS, nextCursor: null });
  });

  router.get('/usage', async (_req, res) => {
    const account = await getAccountRow(db, accountIdOf(res));
    res.json(await getUsage(db, account.id, account.plan_id, clock));
  });
}
