import express, { Router } from 'express';
import Stripe from 'stripe';
import { stripeEventProblem } from '../../billing/stripeEventShape';
import { applyStripeEvent } from '../../billing/stripeEvents';
import { AppError, badRequest } from '../../domain/errors';
import type { AppContext } from '../context';

export const STRIPE_WEBHOOK_PATH = '/webhooks/stripe';
const STRIPE_BODY_LIMIT = '1mb';
/** How far a signature's timestamp may be from now, either way (stripe-node's default, 5 minutes). */
export const STRIPE_TOLERANCE_SECONDS = 300;

/**
 * Stripe's webhooks. Mounted before the JSON parser: the signature covers the exact bytes sent, so
 * this route alone reads the raw body. Unknown event types, and signed events too malformed to
 * apply, are acknowledged (200, applied: false) so Stripe stops retrying them; a bad signature or a
 * timestamp more than 5 minutes off either way is a 400; anything that fails before commit answers
 * 5xx and Stripe retries.
 */
export function stripeWebhookRoutes({ config, storage, clock, logger }: AppContext): Router {
  const router = Router();
  router.post(
    STRIPE_WEBHOOK_PATH,
    express.raw({ type: () => true, limit: STRIPE_BODY_LIMIT }),
    async (req, res) => {
      const billing = config.billing;
      if (billing.adapter !== 'stripe') {
        throw new AppError(
          503,
          'Stripe webhooks are off: this server runs the sandbox billing adapter. Set STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET and the STRIPE_PRICE_* variables.',
        );
      }
      const signature = req.get('stripe-signature');
      if (!signature)
        throw badRequest('Missing Stripe-Signature header; only Stripe may call this endpoint.');
      const payload: unknown = req.body;
      if (!Buffer.isBuffer(payload)) throw badRequest('Send the Stripe event as the request body.');
      let event: Stripe.Event;
      try {
        event = Stripe.webhooks.constructEvent(
          payload,
          signature,
          billing.webhookSecret,
          STRIPE_TOLERANCE_SECONDS,
        );
      } catch {
        throw badRequest(
          "The Stripe-Signature does not match this endpoint's signing secret (or is too old). Check STRIPE_WEBHOOK_SECRET.",
        );
      }
      // stripe-node refuses a timestamp too old; one too far ahead is as much a replay risk.
      const signedAt = Number(/(?:^|,)t=(\d+)/.exec(signature)?.[1]);
      if (signedAt - Date.now() / 1000 > STRIPE_TOLERANCE_SECONDS)
        throw badRequest(
          'The Stripe-Signature timestamp is in the future. Check the clock of the sending machine.',
        );
      const problem = stripeEventProblem(event);
      if (problem) {
        // Signed, so Stripe sent it, but retrying the same bytes cannot help: acknowledged, logged.
        logger.warn(
          { stripeEventId: (event as { id?: unknown }).id, problem },
          'stripe event not applicable',
        );
        res.json({ received: true, applied: false, outcome: `ignored: ${problem}` });
        return;
      }
      const result = await applyStripeEvent(storage.db, clock, billing.prices, event);
      logger.info({ stripeEventId: event.id, type: event.type, ...result }, 'stripe event');
      res.json({ received: true, applied: result.applied, outcome: result.outcome });
    },
  );
  return router;
}
