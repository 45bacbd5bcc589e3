import type { Router } from 'express';
import { getCampaign, listCampaigns } from '../../domain/campaigns';
import { accountIdOf } from '../auth';
import type { AppContext } from '../context';
import { page, pageRequest } from '../pagination';

export function campaignRoutes({ storage }: AppContext, router: Router): void {
  router.get('/campaigns', async (req, res) => {
    const { limit, afterId } = pageRequest(req);
    res.json(page(await listCampaigns(storage.db, accountIdOf(res), limit, afterId), limit));
  });

  router.get('/campaigns/:id', async (req, res) => {
    res.json(await getCampaign(storage.db, accountIdOf(res), req.params.id));
  });
}
