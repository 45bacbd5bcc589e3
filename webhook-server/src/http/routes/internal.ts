import express, { Router } from 'express';
import type { CallEventReport, MessageEventReport } from '../../../../schemas/generated/types';
import { reportCallEvent } from '../../domain/calls';
import { reportMessageEvent } from '../../domain/messages';
import { requireServiceToken } from '../auth';
import type { AppContext } from '../context';
import { refuseMalformedText } from '../requestHygiene';
import { parseBody } from '../validation';

/**
 * A report carries a transcript of up to 500,000 characters (CallEventReport.json): at 3 bytes a
 * character in UTF-8, with a 20,000-character summary and the rest, it fits in 2 MB.
 */
export const INTERNAL_JSON_BODY_LIMIT = '2mb';

/** Reports from the calling platform, authenticated with the service token. */
export function internalRoutes({ storage, clock, config }: AppContext): Router {
  const router = Router();
  router.use(requireServiceToken(config.serviceToken));
  // Mounted before the API's 256 kB parser: only the calling platform, once authenticated, may
  // send a body this large.
  router.use(express.json({ limit: INTERNAL_JSON_BODY_LIMIT }), refuseMalformedText);

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
