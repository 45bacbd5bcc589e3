import type { Router } from 'express';
import type { TestMessageRequest } from '../../../../schemas/generated/types';
import { reportTestMessage } from '../../domain/testHelpers/messages';
import { useCallTimeBelowThreshold } from '../../domain/testHelpers/minutesLow';
import { accountIdOf } from '../auth';
import type { AppContext } from '../context';
import { parseBody } from '../validation';

/**
 * Stripe's /v1/test_helpers convention: ways to cause events that only the calling platform or
 * time would cause, for `atlas-connect trigger` and tests. Never mounted in production (404 there).
 */
export function testHelperRoutes({ storage, clock }: AppContext, router: Router): void {
  router.post('/test_helpers/message_events', async (req, res) => {
    const request = parseBody<TestMessageRequest>('TestMessageRequest.json', req.body ?? {});
    const result = await reportTestMessage(storage.db, clock, accountIdOf(res), request);
    res.status(201).json({ messageId: result.messageId, applied: result.applied });
  });

  router.post('/test_helpers/usage/minutes_low', async (_req, res) => {
    res.json(await useCallTimeBelowThreshold(storage.db, clock, accountIdOf(res)));
  });
}
