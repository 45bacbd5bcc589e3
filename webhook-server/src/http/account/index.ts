import express, { Router, type ErrorRequestHandler } from 'express';
import { AppError } from '../../domain/errors';
import type { AppContext } from '../context';
import type { AdminSignInForms } from '../oauth';
import { isBodyParserError } from '../oauth/oauthErrors';
import { assetRoutes } from './assetRoutes';
import { billingPageRoutes } from './billingRoutes';
import type { AccountPageDeps } from './deps';
import { refuseControlCharacters } from './formText';
import { html } from './html';
import { integrationsRoutes } from './integrationsRoutes';
import { sendPage } from './layout';
import { pictureRoutes } from './pictureRoutes';
import { requireSession } from './session';
import { settingsRoutes } from './settingsRoutes';
import { signInRoutes } from './signInRoutes';
import { streamRoutes } from './streamRoutes';

/**
 * The Account page at /account: server-rendered HTML whose every write is a normal form POST,
 * with a little script for the charts, the live tail and double-submit guards.
 */
export function accountPageRoutes(ctx: AppContext, forms: AdminSignInForms): Router {
  const deps: AccountPageDeps = {
    ...ctx,
    // The OAuth and GHL forms' key and sign-in budget: failures on any admin form count together.
    formTokens: forms.formTokens,
    limiter: forms.limiter,
    secureCookies: ctx.config.env !== 'development',
  };
  const { db } = ctx.storage;
  const router = Router();
  router.use(pictureRoutes(db));
  router.use(assetRoutes());
  router.use('/account', express.urlencoded({ extended: false, limit: '16kb' }), refuseControlCharacters);
  router.use(signInRoutes(deps));
  router.get('/account', requireSession(db, ctx.clock), (_req, res) =>
    res.redirect(303, '/account/settings'),
  );
  // Every tab and its writes need a live session; routes elsewhere (the API) never see this check.
  router.use(
    ['/account/settings', '/account/billing', '/account/integrations'],
    requireSession(db, ctx.clock),
  );
  router.use(settingsRoutes(deps));
  router.use(billingPageRoutes(deps));
  router.use(integrationsRoutes(deps));
  router.use(streamRoutes(deps));
  router.use(pageErrors);
  return router;
}

/** Refusals on a page answer as a page: a 404 for another account's id, a 400 for an unreadable form. */
const pageErrors: ErrorRequestHandler = (err, req, res, next) => {
  if (!req.path.startsWith('/account') || /(\.json|\/stream)$/.test(req.path)) return next(err);
  const refusal = err instanceof AppError && err.statusCode < 500;
  if (!refusal && !isBodyParserError(err)) return next(err);
  const status = refusal ? err.statusCode : 400;
  const message = refusal ? err.message : 'The form could not be read. Go back and try again.';
  sendPage(res, status, {
    title: status === 404 ? 'Not found' : 'Not done',
    body: html`<section>
      <h1>${status === 404 ? 'Not found in this account' : 'That did not work'}</h1>
      <p role="alert" class="alert">${message}</p>
      <p><a href="/account">Back to your account</a></p>
    </section>`,
  });
};
