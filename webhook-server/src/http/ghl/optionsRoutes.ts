import { Router } from 'express';
import { listCampaigns } from '../../domain/campaigns';
import type { Db } from '../../domain/db';
import { badRequest } from '../../domain/errors';
import { requireLinkedAccount } from '../../ghl/locations';

const MAX_OPTIONS = 100;

/**
 * GET /integrations/ghl/options/campaigns?locationId=…: the Campaign dropdown of actions and
 * trigger filters, as GHL's external options want it. GHL's docs do not say how an options request
 * names its location, so the URL configured in the portal carries it as a query parameter.
 */
export function optionsRoutes(db: Db): Router {
  const router = Router();
  router.get('/integrations/ghl/options/campaigns', async (req, res) => {
    const locationId = req.query.locationId;
    if (typeof locationId !== 'string' || !locationId || locationId.length > 100)
      throw badRequest(
        'Pass the GHL location as ?locationId=… (configure the options URL with {{location.id}}).',
        [{ field: 'locationId', message: 'is required' }],
      );
    const accountId = await requireLinkedAccount(db, locationId);
    const campaigns = await listCampaigns(db, accountId, MAX_OPTIONS);
    res.json({ options: campaigns.map((campaign) => ({ label: campaign.name, value: campaign.id })) });
  });
  return router;
}
