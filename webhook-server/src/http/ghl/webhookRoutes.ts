import express, { Router } from 'express';
import type { Clock } from '../../domain/clock';
import type { Db } from '../../domain/db';
import { AppError } from '../../domain/errors';
import type { GhlConfig } from '../../ghl/config';
import { applyInstallEvent, parseInstallEvent } from '../../ghl/installEvents';
import { verifyGhlSignature } from '../../ghl/webhookSignature';

const BAD_SIGNATURE =
  'The webhook signature does not verify. GHL signs with X-GHL-Signature (Ed25519) or x-wh-signature (RSA); check GHL_WEBHOOK_PUBLIC_KEY and GHL_LEGACY_WEBHOOK_PUBLIC_KEY.';

/** POST /integrations/ghl/webhooks: the app's install and uninstall events, verified over the raw body. */
export function webhookRoutes(db: Db, clock: Clock, ghl: GhlConfig): Router {
  const router = Router();
  router.post(
    '/integrations/ghl/webhooks',
    express.raw({ type: () => true, limit: '256kb' }),
    async (req, res) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const verified = verifyGhlSignature(
        raw,
        { ed25519: req.get('x-ghl-signature'), rsa: req.get('x-wh-signature') },
        { ed25519: ghl.webhookPublicKey, rsa: ghl.legacyWebhookPublicKey },
      );
      if (!verified) throw new AppError(401, BAD_SIGNATURE);
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new AppError(400, 'The webhook body is not valid JSON.');
      }
      const event = parseInstallEvent(body, clock);
      const outcome = await applyInstallEvent(db, clock, event);
      req.log.info({ type: event.type, webhookId: event.webhookId, outcome }, 'GHL app webhook');
      res.json({ received: true, duplicate: outcome === 'duplicate' });
    },
  );
  return router;
}
