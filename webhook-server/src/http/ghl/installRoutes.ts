import express, { Router, type ErrorRequestHandler } from 'express';
import { getAccountRow } from '../../domain/accounts';
import type { Clock } from '../../domain/clock';
import type { Db } from '../../domain/db';
import { AppError } from '../../domain/errors';
import { fetchLocationName, GhlApiError, ghlHttp, requestTokens } from '../../ghl/apiClient';
import type { GhlConfig } from '../../ghl/config';
import { findLocation, linkLocation } from '../../ghl/locations';
import { GHL_SCOPES } from '../../ghl/scopes';
import type { GhlTokenStore } from '../../ghl/tokens';
import { attemptAdminSignIn } from '../oauth/adminSignInAttempt';
import { browserNonceOf, ensureBrowserNonce } from '../oauth/browserNonce';
import type { FormTokens } from '../oauth/formToken';
import { isBodyParserError } from '../oauth/oauthErrors';
import type { SignInLimiter } from '../oauth/signInLimiter';
import { sendGhlErrorPage, sendLinkedPage, sendLinkPage } from './linkPage';

export interface InstallDeps {
  db: Db;
  clock: Clock;
  ghl: GhlConfig;
  publicBaseUrl: string;
  tokens: GhlTokenStore;
  formTokens: FormTokens;
  limiter: SignInLimiter;
}

const STALE_FORM = 'This page has expired or did not come from this browser.';

/** The install: GHL's redirect with a code, the Atlas sign-in that links the location, and the Atlas-side start. */
export function installRoutes({
  db,
  clock,
  ghl,
  publicBaseUrl,
  tokens,
  formTokens,
  limiter,
}: InstallDeps): Router {
  const router = Router();
  const redirectUri = `${publicBaseUrl}/integrations/ghl/oauth/callback`;
  const cookie = {
    name: 'atlas_ghl_link',
    path: '/integrations/ghl',
    secure: publicBaseUrl.startsWith('https://'),
  };
  const formParams = (locationId: string) => ({ purpose: 'ghl-link', locationId });
  const http = ghlHttp(ghl);

  // A browser is redirected; a page's script asking for JSON gets the URL to open (Integrations tab).
  router.get('/integrations/ghl/install', (req, res) => {
    const url = new URL('/oauth/chooselocation', ghl.marketplaceUrl);
    url.search = new URLSearchParams({
      response_type: 'code',
      redirect_uri: redirectUri,
      client_id: ghl.clientId,
      scope: GHL_SCOPES.join(' '),
    }).toString();
    if (req.accepts(['html', 'json']) === 'json') res.json({ url: url.toString() });
    else res.redirect(302, url.toString());
  });

  router.get('/integrations/ghl/oauth/callback', async (req, res) => {
    const code = typeof req.query.code === 'string' ? req.query.code : '';
    if (!code || code.length > 2048)
      return sendGhlErrorPage(res, 400, 'GHL did not send an authorization code with this install.');
    let granted;
    try {
      granted = await requestTokens(http, ghl, { code, redirectUri });
    } catch (err) {
      if (!(err instanceof GhlApiError)) throw err;
      req.log.warn({ status: err.status }, 'GHL refused an install code');
      return sendGhlErrorPage(
        res,
        400,
        'GHL did not accept this install code: it works once and expires quickly.',
      );
    }
    const locationId = granted.locationId;
    if (!locationId)
      return sendGhlErrorPage(
        res,
        400,
        'The app was installed for an agency, not a location. Install it into a sub-account.',
      );
    const name = await fetchLocationName(http, locationId, granted.access_token);
    await tokens.saveInstall(granted, name);
    const location = await findLocation(db, locationId);
    if (location?.account_id) {
      const account = await getAccountRow(db, location.account_id);
      return sendLinkedPage(res, name, account.company_name);
    }
    const nonce = ensureBrowserNonce(req, res, cookie);
    const params = formParams(locationId);
    sendLinkPage(res, 200, {
      locationName: name,
      hiddenFields: { ...params, csrf: formTokens.issue(nonce, params) },
    });
  });

  router.post(
    '/integrations/ghl/link',
    express.urlencoded({ extended: false, limit: '16kb' }),
    async (req, res) => {
      const form: Record<string, unknown> = req.body ?? {};
      const locationId = typeof form.locationId === 'string' ? form.locationId : '';
      const csrf = typeof form.csrf === 'string' ? form.csrf : '';
      const nonce = browserNonceOf(req, cookie);
      const params = formParams(locationId);
      if (!locationId || form.purpose !== 'ghl-link' || !nonce || !formTokens.verify(csrf, nonce, params))
        return sendGhlErrorPage(res, 403, STALE_FORM);
      const location = await findLocation(db, locationId);
      if (!location)
        return sendGhlErrorPage(
          res,
          404,
          'This GHL location has not installed the Atlas app (or uninstalled it).',
        );
      const signIn = await attemptAdminSignIn(db, limiter, req, res, form);
      if (!signIn.ok)
        return sendLinkPage(res, signIn.status, {
          locationName: location.name,
          hiddenFields: { ...params, csrf: formTokens.issue(nonce, params) },
          email: signIn.email,
          alert: signIn.alert,
        });
      try {
        await linkLocation(db, clock, locationId, signIn.account.id);
      } catch (err) {
        if (err instanceof AppError) return sendGhlErrorPage(res, err.statusCode, err.message);
        throw err;
      }
      sendLinkedPage(res, location.name, signIn.account.company_name);
    },
  );

  const bodyErrors: ErrorRequestHandler = (err, _req, res, next) => {
    if (!isBodyParserError(err)) return next(err);
    sendGhlErrorPage(res, 400, 'The form could not be read.');
  };
  router.use('/integrations/ghl/link', bodyErrors);
  return router;
}
