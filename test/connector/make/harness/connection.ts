import { createOAuthClient } from '../../../../webhook-server/src/domain/oauth/clients';
import { signInAndAllow } from '../../../support/oauthFlow';
import { createTenant, type Tenant, type TestServer } from '../../../support/server';
import type { PlanId } from '../../../../schemas/generated/types';
import { base, componentCode, manifest, readAppJson, type ComponentType } from './app';
import { asText, evaluate } from './iml';
import { runRequest, type RunResult } from './runner';

/** Make's redirect URI for apps that request approval ({{oauth.localRedirectUri}}). */
export const MAKE_REDIRECT_URI = 'https://www.make.com/oauth/cb/app';

export interface Common {
  clientId: string;
  clientSecret: string;
  baseUrl: string;
}

/** What Make stores for one connection: the token response's data and its expiry. */
export interface MakeConnection {
  data: Record<string, unknown>;
  expires: Date;
  uid: unknown;
  label: unknown;
}

export const CONNECTION_ID = 'atlas';
const oauthCode = () => componentCode('connection', CONNECTION_ID).communication;
const defaultScope = () =>
  readAppJson<string[]>(manifest().components.connection[CONNECTION_ID]!.codeFiles.defaultScope!);

/** Registers Make as an OAuth client of the server, with Make's redirect URI: the connection's common data. */
export async function registerMake(server: TestServer): Promise<Common> {
  const client = await createOAuthClient(server.context.storage.db, server.clock, {
    name: 'Make',
    redirectUris: [MAKE_REDIRECT_URI],
  });
  return { clientId: client.id, clientSecret: client.clientSecret, baseUrl: server.url };
}

const oauthScope = () => ({ localRedirectUri: MAKE_REDIRECT_URI, scope: defaultScope() });

/** The authorize step: the URL Make opens in the user's browser. */
export function authorizeUrl(common: Common): string {
  const authorize = oauthCode().authorize;
  const scope = { common, oauth: oauthScope() };
  const url = new URL(asText(evaluate(authorize.url, scope)));
  for (const [key, value] of Object.entries(evaluate(authorize.qs, scope) as Record<string, unknown>))
    url.searchParams.set(key, asText(value));
  return url.toString();
}

/** Authorize (the tenant's admin signs in and allows), token, then info: a stored connection. */
export async function connect(
  common: Common,
  tenant: Tenant,
): Promise<MakeConnection & { token: RunResult }> {
  const code = oauthCode();
  const redirect = await signInAndAllow(authorizeUrl(common), {
    email: tenant.account.adminEmail,
    password: tenant.password,
  });
  if (!redirect.location.toString().startsWith(MAKE_REDIRECT_URI))
    throw new Error(`redirected to ${redirect.location}`);
  const query = Object.fromEntries(redirect.location.searchParams.entries());
  const temp = evaluate(code.authorize.response.temp, { query, common }) as Record<string, unknown>;
  const token = await runRequest(code.token, { common, temp, oauth: oauthScope() });
  const data = token.data!;
  const info = await runRequest(code.info, { common, connection: data, data });
  return {
    data,
    expires: token.expires as Date,
    uid: info.uid,
    label: (info.metadata as { value: unknown }).value,
    token,
  };
}

/** Make's time-driven refresh: runs when refresh.condition holds for the stored expiry. */
export async function refreshIfDue(
  common: Common,
  connection: MakeConnection,
  now = new Date(),
): Promise<MakeConnection & { result: RunResult }> {
  const refresh = oauthCode().refresh;
  const data = { ...connection.data, expires: connection.expires };
  const result = await runRequest(refresh, { common, data, connection: data }, { now });
  if (result.skipped) return { ...connection, result };
  return {
    ...connection,
    data: { ...connection.data, ...result.data },
    expires: result.expires as Date,
    result,
  };
}

/** Runs a module's or RPC's communication with the user's parameters over a connection. */
export function runComponent(
  type: Extract<ComponentType, 'module' | 'rpc'>,
  id: string,
  connection: MakeConnection,
  parameters: Record<string, unknown> = {},
  now?: Date,
) {
  return runRequest(
    componentCode(type, id).communication,
    { parameters, connection: connection.data },
    { base: base(), now },
  );
}

/** A new tenant on `plan` whose admin has connected Make to it. */
export async function connectedTenant(server: TestServer, plan: PlanId = 'starter') {
  const tenant = await createTenant(server, plan);
  return { tenant, connection: await connect(await registerMake(server), tenant) };
}
