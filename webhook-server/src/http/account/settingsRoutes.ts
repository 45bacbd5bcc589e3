import { Router, type Request, type Response } from 'express';
import multer from 'multer';
import type { AccountUpdate } from '../../../../schemas/generated/types';
import { toAccount, updateAccount } from '../../domain/accounts';
import { AppError } from '../../domain/errors';
import {
  MAX_PICTURE_BYTES,
  removeProfilePicture,
  saveProfilePicture,
  tooLarge,
} from '../../domain/profilePictures';
import { parseBody } from '../validation';
import type { AccountPageDeps } from './deps';
import { sendPage } from './layout';
import { pictureUrl } from './pictureRoutes';
import { pageSessionOf, requireCsrf, type PageSession } from './session';
import { settingsBody, type SettingsView } from './settingsPage';

const EDITABLE = ['companyName', 'adminName', 'adminEmail'] as const;

const NOTICES: Record<string, string> = {
  saved: 'Your account details are saved.',
  picture: 'Your profile picture is updated.',
  'picture-removed': 'Your profile picture is removed.',
};

const upload = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: MAX_PICTURE_BYTES, files: 1, fields: 4, fieldSize: 1024 },
}).single('picture');

/** Parses the multipart upload into memory (nothing is stored before every check has passed). */
function parseUpload(req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) =>
    upload(req, res, (err: unknown) => {
      if (!err) return resolve();
      if (err instanceof multer.MulterError && err.code === 'LIMIT_FILE_SIZE') return reject(tooLarge());
      if (
        err instanceof multer.MulterError ||
        (err instanceof Error && /multipart|boundary/i.test(err.message))
      )
        return reject(
          new AppError(400, 'The upload could not be read. Choose one picture file and try again.', [
            { field: 'picture', message: 'could not be read' },
          ]),
        );
      reject(err);
    }),
  );
}

/** Account Settings: company and admin details (the API's schema and domain function), the picture. */
export function settingsRoutes(deps: AccountPageDeps): Router {
  const { storage, clock, config } = deps;
  const { db } = storage;
  const router = Router();

  const show = (res: Response, status: number, session: PageSession, view: Partial<SettingsView> = {}) =>
    sendPage(res, status, {
      title: 'Account Settings',
      signedIn: {
        companyName: session.account.company_name,
        csrfToken: session.csrfToken,
        tab: 'settings',
        sandbox: deps.billing.adapter === 'sandbox',
      },
      body: settingsBody({ account: toAccount(session.account), csrfToken: session.csrfToken, ...view }),
    });

  /** A refusal the admin can fix: shown on the page, next to the field the API's error names. */
  const refused = (res: Response, err: unknown, view: Partial<SettingsView> = {}) => {
    if (!(err instanceof AppError) || err.statusCode >= 500) throw err;
    const session = pageSessionOf(res);
    show(res, err.statusCode, session, {
      ...view,
      problems: err.details,
      alert: err.details?.length ? undefined : err.message,
    });
  };

  router.get('/account/settings', (req, res) => {
    const notice = typeof req.query.done === 'string' ? NOTICES[req.query.done] : undefined;
    show(res, 200, pageSessionOf(res), { notice });
  });

  router.post('/account/settings', requireCsrf, async (req, res) => {
    const session = pageSessionOf(res);
    const body: Record<string, unknown> = req.body ?? {};
    const update: Record<string, unknown> = {};
    for (const name of EDITABLE)
      if (typeof body[name] === 'string') update[name] = (body[name] as string).trim();
    try {
      await updateAccount(
        db,
        clock,
        session.accountId,
        parseBody<AccountUpdate>('AccountUpdate.json', update),
      );
    } catch (err) {
      return refused(res, err, { values: update as SettingsView['values'] });
    }
    res.redirect(303, '/account/settings?done=saved');
  });

  router.post('/account/settings/picture', async (req, res, next) => {
    try {
      await parseUpload(req, res);
    } catch (err) {
      return refused(res, err);
    }
    requireCsrf(req, res, async () => {
      try {
        const bytes = req.file?.buffer ?? Buffer.alloc(0);
        await saveProfilePicture(db, clock, pageSessionOf(res).accountId, bytes, (id) =>
          pictureUrl(config, id),
        );
      } catch (err) {
        try {
          return refused(res, err);
        } catch (unexpected) {
          return next(unexpected);
        }
      }
      res.redirect(303, '/account/settings?done=picture');
    });
  });

  router.post('/account/settings/picture/remove', requireCsrf, async (_req, res) => {
    await removeProfilePicture(db, clock, pageSessionOf(res).accountId);
    res.redirect(303, '/account/settings?done=picture-removed');
  });

  return router;
}
