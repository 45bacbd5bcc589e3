import type { TestServer } from './server';

/** A browser's view of the Account page for protocol tests: its cookies and the page's CSRF token. */
export interface PageClient {
  cookies: Map<string, string>;
  csrf?: string;
}

export interface PageResponse {
  status: number;
  /** The page with each run of whitespace made one space, so tests match markup however it is laid out. */
  text: string;
  location: string | null;
  headers: Headers;
}

function cookieHeader(client: PageClient): string {
  return [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
}

function remember(client: PageClient, headers: Headers): void {
  for (const line of headers.getSetCookie()) {
    const [pair] = line.split(';');
    const eq = pair!.indexOf('=');
    const name = pair!.slice(0, eq);
    const value = pair!.slice(eq + 1);
    if (value === '' || /Expires=Thu, 01 Jan 1970/i.test(line)) client.cookies.delete(name);
    else client.cookies.set(name, value);
  }
}

/** The hidden CSRF field of the page's first form, if it has one. */
export function csrfOf(text: string): string | undefined {
  return /name="_csrf" value="([^"]+)"/.exec(text)?.[1];
}

/** One request as the browser sends it: its cookies, no redirect followed; remembers what it sets. */
async function send(
  server: { url: string },
  client: PageClient,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: URLSearchParams | FormData } = {},
): Promise<PageResponse> {
  const res = await fetch(server.url + path, {
    ...init,
    redirect: 'manual',
    headers: { cookie: cookieHeader(client), ...init.headers },
  });
  remember(client, res.headers);
  const text = (await res.text()).replace(/\s+/g, ' ');
  const csrf = csrfOf(text);
  if (csrf) client.csrf = csrf;
  return { status: res.status, text, location: res.headers.get('location'), headers: res.headers };
}

export function pageGet(server: { url: string }, client: PageClient, path: string): Promise<PageResponse> {
  return send(server, client, path);
}

/** Posts a form as a browser does; the session's CSRF token is added unless `csrf` says otherwise. */
export function pagePost(
  server: { url: string },
  client: PageClient,
  path: string,
  fields: Record<string, string> = {},
  options: { csrf?: string | null } = {},
): Promise<PageResponse> {
  const csrf = options.csrf === undefined ? client.csrf : options.csrf;
  const body = new URLSearchParams({ ...(csrf ? { _csrf: csrf } : {}), ...fields });
  return send(server, client, path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
}

/** Posts a multipart form (a picture upload) with the session's CSRF token. */
export function pageUpload(
  server: { url: string },
  client: PageClient,
  path: string,
  file: { name: string; type: string; bytes: Buffer },
  options: { csrf?: string | null } = {},
): Promise<PageResponse> {
  const form = new FormData();
  const csrf = options.csrf === undefined ? client.csrf : options.csrf;
  if (csrf) form.append('_csrf', csrf);
  form.append('picture', new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
  return send(server, client, path, { method: 'POST', body: form });
}

/** Signs in through the sign-in form; the client then holds the session cookie and CSRF token. */
export async function signIn(
  server: TestServer | { url: string },
  email: string,
  password: string,
  client: PageClient = { cookies: new Map() },
): Promise<PageClient & { response: PageResponse }> {
  await pageGet(server, client, '/account/sign-in');
  const response = await pagePost(server, client, '/account/sign-in', { email, password });
  if (response.status === 303) await pageGet(server, client, response.location ?? '/account/settings');
  return Object.assign(client, { response });
}
