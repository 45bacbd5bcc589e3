import { createHash, randomBytes } from 'node:crypto';
import { createOAuthClient } from '../../webhook-server/src/domain/oauth/clients';
import type { Tenant, TestServer } from './server';

export interface TestClient {
  clientId: string;
  clientSecret: string;
  name: string;
  redirectUris: string[];
}

let clientCounter = 0;

export async function registerClient(
  server: TestServer,
  redirectUris = ['https://hooks.example.com/oauth/callback'],
): Promise<TestClient> {
  clientCounter += 1;
  const client = await createOAuthClient(server.context.storage.db, server.clock, {
    name: `Test App ${clientCounter}`,
    redirectUris,
  });
  return { clientId: client.id, clientSecret: client.clientSecret, name: client.name, redirectUris };
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

const unescapeHtml = (text: string) =>
  text.replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)));

/** The hidden fields of the sign-in form. */
export function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    fields[unescapeHtml(match[1]!)] = unescapeHtml(match[2]!);
  return fields;
}

export interface AuthorizeOptions {
  redirectUri?: string;
  state?: string;
  scope?: string;
  codeChallenge?: string;
  extraQuery?: Record<string, string>;
}

export function authorizeUrl(
  server: { url: string },
  client: TestClient,
  options: AuthorizeOptions = {},
): string {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: options.redirectUri ?? client.redirectUris[0]!,
    ...(options.state !== undefined ? { state: options.state } : { state: 'state-123' }),
    ...(options.scope !== undefined ? { scope: options.scope } : {}),
    ...(options.codeChallenge
      ? { code_challenge: options.codeChallenge, code_challenge_method: 'S256' }
      : {}),
    ...options.extraQuery,
  });
  return `${server.url}/oauth/authorize?${query}`;
}

export interface FormSession {
  cookie: string;
  fields: Record<string, string>;
  page: Response;
  html: string;
}

/** GET the authorize page as a browser would: keeps the cookie and the form's hidden fields. */
export async function openForm(
  server: TestServer,
  client: TestClient,
  options: AuthorizeOptions = {},
): Promise<FormSession> {
  const page = await fetch(authorizeUrl(server, client, options), { redirect: 'manual' });
  const html = await page.text();
  const setCookie = page.headers.get('set-cookie') ?? '';
  return { cookie: setCookie.split(';')[0] ?? '', fields: hiddenFields(html), page, html };
}

export async function submitForm(
  server: TestServer,
  session: Pick<FormSession, 'cookie' | 'fields'>,
  values: Record<string, string>,
): Promise<{ status: number; location: string | null; html: string; headers: Headers }> {
  const res = await fetch(`${server.url}/oauth/authorize`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(session.cookie ? { cookie: session.cookie } : {}),
    },
    body: new URLSearchParams({ ...session.fields, ...values }).toString(),
  });
  return {
    status: res.status,
    location: res.headers.get('location'),
    html: await res.text(),
    headers: res.headers,
  };
}

/** Signs the tenant's admin in and allows: the code from the redirect. */
export async function authorizeCode(
  server: TestServer,
  tenant: Tenant,
  client: TestClient,
  options: AuthorizeOptions = {},
): Promise<string> {
  const session = await openForm(server, client, options);
  const res = await submitForm(server, session, {
    email: tenant.account.adminEmail,
    password: tenant.password,
    decision: 'allow',
  });
  if (res.status !== 302 || !res.location) throw new Error(`authorize failed: ${res.status} ${res.html}`);
  const code = new URL(res.location).searchParams.get('code');
  if (!code) throw new Error(`no code in ${res.location}`);
  return code;
}

export interface TokenCallOptions {
  client?: TestClient;
  /** How the client authenticates: secret in the body (default), HTTP Basic, or not at all. */
  auth?: 'post' | 'basic' | 'none';
  json?: boolean;
}

export async function oauthPost(
  server: { url: string },
  path: '/oauth/token' | '/oauth/revoke',
  params: Record<string, string>,
  options: TokenCallOptions = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const body: Record<string, string> = { ...params };
  const headers: Record<string, string> = {};
  const { client, auth = 'post' } = options;
  if (client && auth === 'post') {
    body.client_id = client.clientId;
    body.client_secret = client.clientSecret;
  } else if (client && auth === 'basic') {
    headers.authorization = `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`;
  } else if (client) {
    body.client_id = client.clientId;
  }
  headers['content-type'] = options.json ? 'application/json' : 'application/x-www-form-urlencoded';
  const res = await fetch(server.url + path, {
    method: 'POST',
    headers,
    body: options.json ? JSON.stringify(body) : new URLSearchParams(body).toString(),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

export function exchangeCode(
  server: { url: string },
  client: TestClient,
  code: string,
  extra: Record<string, string> = {},
  options: Omit<TokenCallOptions, 'client'> = {},
) {
  return oauthPost(
    server,
    '/oauth/token',
    { grant_type: 'authorization_code', code, redirect_uri: client.redirectUris[0]!, ...extra },
    { client, ...options },
  );
}

export function refresh(server: { url: string }, client: TestClient, refreshToken: string) {
  return oauthPost(
    server,
    '/oauth/token',
    { grant_type: 'refresh_token', refresh_token: refreshToken },
    { client },
  );
}
