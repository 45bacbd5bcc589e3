import type { RequestHandler } from 'express';
import { AppError } from '../../domain/errors';
import { secretsEqual } from '../../domain/secrets';

export const SHARED_SECRET_HEADER = 'X-Atlas-Secret';

/**
 * GHL signs neither trigger subscriptions nor action calls: the app's developer-portal settings
 * send this header with GHL_SHARED_SECRET, compared in constant time.
 */
export function requireSharedSecret(secret: string): RequestHandler {
  return (req, _res, next) => {
    const given = req.get(SHARED_SECRET_HEADER) ?? '';
    if (!given || !secretsEqual(given, secret))
      throw new AppError(
        401,
        `Send the ${SHARED_SECRET_HEADER} header configured in the Atlas app's GHL settings (GHL_SHARED_SECRET).`,
      );
    next();
  };
}
