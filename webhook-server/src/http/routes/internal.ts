import { Router } from 'express';
import type { CallEventReport, MessageEventReport } from '../../../../schemas/generated/types';
import { reportCallEvent } from '../../domain/calls';
import { reportMessageEvent } from '../../domain/messages';
import { requireServiceToken } from '../auth';
import type { AppContext } from '../context';
import { parseBody } from '../validation';

/** Reports from the calling platform, authenticated with the service token. */
export function internalRoutes({ storage, clock, config }: AppContext): Router {
  const router = Router();
  router.use(requireServiceToken(config.serviceToken));

  router.post('/call-events', async (req, res) => {
    const report = parseBody<CallEventReport>('CallEventReport.json', req.body);
    const result = await reportCallEvent(storage.db, clock, report);
    res.status(result.applied ? 201 : 200).json({ callId: result.callId, applied: result.applied });
  });

  router.post('/message-events', async (req, res) => {
    const report = parseBody<MessageEventReport>('MessageEventReport.json', req.body);
    const result = await reportMessageEvent(storage.db, clock, report);
    res.status(result.applied ? 201 : 200).json({ messageId: result.messageId, applied: result.applied });
  });

  return router;
}
