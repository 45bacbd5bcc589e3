import { Router } from 'express';
import type { Config } from '../../config';
import type { Db } from '../../domain/db';
import { findProfilePicture } from '../../domain/profilePictures';

export const PICTURE_PATH = '/media/profile-pictures';

export function pictureUrl(config: Pick<Config, 'publicBaseUrl'>, pictureId: string): string {
  return `${config.publicBaseUrl}${PICTURE_PATH}/${pictureId}`;
}

/**
 * Serves uploaded pictures at their own URL (public, like any avatar URL an integration shows). The
 * type is the one the bytes proved; nosniff and a sandboxing policy mean nothing here can run.
 */
export function pictureRoutes(db: Db): Router {
  const router = Router();
  router.get(`${PICTURE_PATH}/:id`, async (req, res) => {
    const picture = /^pic_[A-Za-z0-9_-]{24}$/.test(req.params.id)
      ? await findProfilePicture(db, req.params.id)
      : undefined;
    if (!picture) {
      res.status(404).json({ statusCode: 404, error: 'Not Found', message: 'No such picture.' });
      return;
    }
    res
      .status(200)
      .set({
        'Content-Type': picture.contentType,
        'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy': "default-src 'none'; sandbox",
        'Content-Disposition': 'inline',
        'Cache-Control': 'public, max-age=86400, immutable',
        // Integrations show the avatar on their own sites.
        'Cross-Origin-Resource-Policy': 'cross-origin',
      })
      .send(picture.bytes);
  });
  return router;
}
