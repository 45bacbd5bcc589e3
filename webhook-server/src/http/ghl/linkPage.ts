import type { Response } from 'express';
import { adminSignInFields, escapeHtml, sendPage } from '../oauth/page';

export interface LinkPage {
  locationName: string;
  hiddenFields: Record<string, string>;
  email?: string;
  alert?: string;
}

/** "Link GHL location Name to your Atlas account": the admin's email and password. */
export function sendLinkPage(res: Response, status: number, page: LinkPage): void {
  const name = escapeHtml(page.locationName);
  sendPage(
    res,
    status,
    `Link GHL location ${page.locationName} to your Atlas account`,
    `<h1>Link GHL location <em>${name}</em> to your Atlas account</h1>` +
      `<p>Sign in as the Atlas account's admin. Workflows of <strong>${name}</strong> can then start calls on this account and receive its events.</p>` +
      (page.alert ? `<p role="alert" class="alert">${escapeHtml(page.alert)}</p>` : '') +
      `<form method="post" action="/integrations/ghl/link">${adminSignInFields(page.hiddenFields, page.email)}` +
      `<div class="actions"><button class="allow" type="submit">Link location</button></div></form>`,
    ["'self'"],
  );
}

export function sendLinkedPage(res: Response, locationName: string, companyName: string): void {
  sendPage(
    res,
    200,
    'GHL location linked',
    `<h1>GHL location linked</h1><p role="status"><strong>${escapeHtml(locationName)}</strong> is linked to the Atlas account <strong>${escapeHtml(companyName)}</strong>.</p>` +
      `<p>Close this window and return to GHL: the Atlas triggers and actions are ready in your workflows.</p>`,
    [],
  );
}

export function sendGhlErrorPage(res: Response, status: number, message: string): void {
  sendPage(
    res,
    status,
    'Cannot link the GHL location',
    `<h1>Cannot link the GHL location</h1><p role="alert" class="alert">${escapeHtml(message)}</p>` +
      `<p>Start the install again from the GHL marketplace.</p>`,
    [],
  );
}
