import { randomBytes } from 'node:crypto';
import type { Response } from 'express';

const SCOPE_TEXT: Record<string, string> = {
  profile: 'See your name and company name',
  email: 'See your admin email address',
  offline_access: 'Stay connected when you are not signed in',
};

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f3f5f9;color:#1c2333}
main{max-width:420px;margin:48px auto;padding:32px;background:#fff;border-radius:12px;box-shadow:0 2px 12px rgba(20,30,60,.08)}
h1{font-size:22px;margin:0 0 8px}
p{margin:0 0 16px;color:#4a5468}
ul{margin:0 0 20px;padding-left:20px}
label{display:block;font-weight:600;margin:12px 0 4px}
input{width:100%;padding:10px 12px;border:1px solid #c8cfdc;border-radius:8px;font:inherit}
input:focus{outline:2px solid #3b5bdb;border-color:#3b5bdb}
.alert{padding:10px 12px;margin:0 0 16px;border-radius:8px;background:#fff0f0;color:#a61b1b;border:1px solid #f3c4c4}
.actions{display:flex;gap:12px;margin-top:24px}
button{flex:1;padding:11px;border-radius:8px;font:inherit;font-weight:600;cursor:pointer;border:1px solid #3b5bdb}
.allow{background:#3b5bdb;color:#fff}
.deny{background:#fff;color:#3b5bdb}
.note{font-size:13px;margin-top:20px;color:#6b7488}
`;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The pages carry their own Content-Security-Policy: styles only by nonce, no scripts, no framing,
 * and the form may post here and follow the redirect to the client's registered URI (browsers apply
 * form-action to the redirects that follow a form submission).
 */
export function sendPage(
  res: Response,
  status: number,
  title: string,
  body: string,
  formTargets: string[],
): void {
  const nonce = randomBytes(16).toString('base64');
  const formAction = formTargets.length ? formTargets.join(' ') : "'none'";
  res
    .status(status)
    .set({
      'Content-Security-Policy': `default-src 'none'; style-src 'nonce-${nonce}'; img-src 'self' data:; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
    })
    .type('html')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
        `<meta name="viewport" content="width=device-width,initial-scale=1">` +
        `<title>${escapeHtml(title)}</title><style nonce="${nonce}">${STYLE}</style></head>` +
        `<body><main>${body}</main></body></html>`,
    );
}

export function sendErrorPage(res: Response, status: number, message: string): void {
  sendPage(
    res,
    status,
    'Cannot connect to Atlas',
    `<h1>Cannot connect to Atlas</h1><p role="alert" class="alert">${escapeHtml(message)}</p>` +
      `<p>Close this window and start connecting again from the app.</p>`,
    [],
  );
}

/** An admin sign-in form's inputs: its hidden fields (request, CSRF token), email and password. */
export function adminSignInFields(hiddenFields: Record<string, string>, email = ''): string {
  const hidden = Object.entries(hiddenFields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  return (
    hidden +
    `<label for="email">Admin email</label>` +
    `<input id="email" name="email" type="email" autocomplete="username" required value="${escapeHtml(email)}">` +
    `<label for="password">Password</label>` +
    `<input id="password" name="password" type="password" autocomplete="current-password" required>`
  );
}

export interface SignInPage {
  appName: string;
  scope: string[];
  hiddenFields: Record<string, string>;
  redirectUri: string;
  email?: string;
  alert?: string;
}

export function sendSignInPage(res: Response, status: number, page: SignInPage): void {
  const app = escapeHtml(page.appName);
  const redirect = new URL(page.redirectUri);
  const scopes = page.scope
    .map((scope) => SCOPE_TEXT[scope])
    .filter((text): text is string => !!text)
    .map((text) => `<li>${escapeHtml(text)}</li>`)
    .join('');
  sendPage(
    res,
    status,
    `Connect ${page.appName} to Atlas`,
    `<h1>Connect ${app} to Atlas</h1>` +
      `<p><strong>${app}</strong> asks for access to your Atlas account. Sign in as the account's admin to decide.</p>` +
      `<ul><li>Use the Atlas API for your account: usage, campaigns, calls and billing</li>${scopes}</ul>` +
      (page.alert ? `<p role="alert" class="alert">${escapeHtml(page.alert)}</p>` : '') +
      `<form method="post" action="/oauth/authorize">${adminSignInFields(page.hiddenFields, page.email)}` +
      `<div class="actions"><button class="deny" type="submit" name="decision" value="deny" formnovalidate>Deny</button>` +
      `<button class="allow" type="submit" name="decision" value="allow">Allow</button></div></form>` +
      `<p class="note">After you decide, you go back to ${escapeHtml(redirect.host)}.</p>`,
    ["'self'", redirect.origin],
  );
}
