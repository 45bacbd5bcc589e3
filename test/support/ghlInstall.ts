import { parseSignInForm } from './oauthFlow';
import type { GhlStandIn } from './ghlStandIn';

export interface LinkForm {
  action: string;
  fields: Record<string, string>;
  cookie: string;
  status: number;
  html: string;
}

/** GHL's install redirect as a browser follows it: the callback with a fresh code, the link page. */
export async function openInstallCallback(
  server: { url: string },
  standIn: GhlStandIn,
  locationId?: string,
  locationName?: string,
): Promise<LinkForm> {
  const code = standIn.issueCode(locationId, locationName);
  const url = `${server.url}/integrations/ghl/oauth/callback?code=${encodeURIComponent(code)}`;
  const res = await fetch(url, { redirect: 'manual' });
  const html = await res.text();
  const cookie = (res.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
  const form = /<form\b/i.test(html) ? parseSignInForm(html, url) : { action: '', fields: {} };
  return { ...form, cookie, status: res.status, html };
}

/** Posts the link page's form with the admin's credentials; answers the resulting page. */
export async function submitLinkForm(
  form: LinkForm,
  email: string,
  password: string,
  cookie = form.cookie,
): Promise<{ status: number; html: string }> {
  const res = await fetch(form.action, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams({ ...form.fields, email, password }).toString(),
  });
  return { status: res.status, html: await res.text() };
}

/** Installs the app into a location and links it to the admin's account. */
export async function installAndLink(
  server: { url: string },
  standIn: GhlStandIn,
  admin: { email: string; password: string },
  locationId?: string,
): Promise<void> {
  const form = await openInstallCallback(server, standIn, locationId);
  // A reinstall of a linked location shows it linked, with no form.
  if (!form.action && form.status === 200 && form.html.includes('is linked to the Atlas account')) return;
  const linked = await submitLinkForm(form, admin.email, admin.password);
  if (linked.status !== 200)
    throw new Error(`linking answered ${linked.status}: ${linked.html.slice(0, 300)}`);
}
