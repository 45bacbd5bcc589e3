import { randomBytes } from 'node:crypto';
import type { Response } from 'express';
import { html, SafeHtml } from './html';
import { ACCOUNT_STYLE } from './style';

export type Tab = 'settings' | 'billing' | 'integrations';

const TABS: { id: Tab; label: string }[] = [
  { id: 'settings', label: 'Account Settings' },
  { id: 'billing', label: 'Account Billing' },
  { id: 'integrations', label: 'Integrations' },
];

/** Where forms may post, and follow the redirect to: this server, and Stripe's hosted pages. */
const FORM_TARGETS = "'self' https://checkout.stripe.com https://billing.stripe.com";

export interface PageFrame {
  title: string;
  /** The signed-in admin's header (omitted on the sign-in page). */
  signedIn?: { companyName: string; csrfToken: string; tab: Tab; sandbox: boolean };
  /** Script files under /account/assets/, loaded with the response's nonce. */
  scripts?: string[];
  body: SafeHtml;
}

/**
 * Sends one Account page. The policy allows nothing but this server: scripts and the inline
 * stylesheet only with this response's nonce, images and fetches from here, no framing. The page
 * is never cached: it may show a key created a moment ago.
 */
export function sendPage(res: Response, status: number, frame: PageFrame): void {
  const nonce = randomBytes(16).toString('base64');
  const signedIn = frame.signedIn;
  const header = signedIn
    ? html`<header>
          <span class="brand">Atlas · ${signedIn.companyName}</span>${
            signedIn.sandbox
              ? html`<span class="badge" title="Billing runs offline: no payment is taken">sandbox</span>`
              : ''
          }
          <form method="post" action="/account/sign-out">
            <input type="hidden" name="_csrf" value="${signedIn.csrfToken}" /><button type="submit">
              Sign out
            </button>
          </form>
        </header>
        <nav aria-label="Account">
          ${TABS.map(
            (tab) =>
              html`<a href="/account/${tab.id}" ${tab.id === signedIn.tab ? html` aria-current="page"` : ''}
                >${tab.label}</a
              >`,
          )}
        </nav>`
    : '';
  const scripts = (frame.scripts ?? []).map(
    (file) => html`<script nonce="${nonce}" src="/account/assets/${file}" defer></script>`,
  );
  const page = html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <title>${frame.title} · Atlas</title>
        <style nonce="${nonce}">
          ${new SafeHtml(ACCOUNT_STYLE)}
        </style>
        ${scripts}
      </head>
      <body>
        ${header}
        <main>${frame.body}</main>
      </body>
    </html>`;
  res
    .status(status)
    .set({
      'Content-Security-Policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; img-src 'self'; connect-src 'self'; form-action ${FORM_TARGETS}; frame-ancestors 'none'; base-uri 'none'`,
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
    })
    .type('html')
    .send(page.markup);
}
