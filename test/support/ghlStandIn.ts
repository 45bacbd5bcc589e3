import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * GHL played on 127.0.0.1, strict where GHL is: the token endpoint (authorization code and refresh,
 * each refresh rotating the refresh token so the old one stops working), contacts and locations
 * (bearer and `Version: 2021-07-28` required) and the trigger-execute URL (bearer and
 * `Version: 2021-04-15` required, 401 for an expired or unknown token). Its marketplace
 * chooselocation page "installs" into a default location and redirects with a code.
 */

export const GHL_CLIENT = { id: 'ghl-client-id-test', secret: 'ghl-client-secret-test' };
export const GHL_SHARED_SECRET = 'ghl-shared-secret-0123456789abcdef0123456789';
export const GHL_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

export interface GhlContact {
  id: string;
  locationId: string;
  firstName?: string;
  lastName?: string;
  name?: string;
  email?: string;
  phone?: string;
  tags?: string[];
  customFields?: Array<{ id: string; value: unknown }>;
}

export interface ExecutedTrigger {
  path: string;
  token: string;
  version: string | undefined;
  body: unknown;
}

interface AccessToken {
  locationId: string;
  expired: boolean;
}

/** The signing keys of the stand-in's install webhooks: the tests configure their public halves. */
export interface WebhookKeys {
  ed25519: { publicPem: string; privateKey: KeyObject };
  rsa: { publicPem: string; privateKey: KeyObject };
}

function keyPairs(): WebhookKeys {
  const ed = generateKeyPairSync('ed25519');
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    ed25519: {
      publicPem: ed.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      privateKey: ed.privateKey,
    },
    rsa: {
      publicPem: rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      privateKey: rsa.privateKey,
    },
  };
}

export class GhlStandIn {
  url = '';
  readonly keys = keyPairs();
  /** Requests the token endpoint answered, by grant type. */
  readonly tokenRequests: Array<{ grantType: string; userType: string | undefined }> = [];
  readonly executed: ExecutedTrigger[] = [];
  /** Executions refused with 401 (an expired or unknown bearer). */
  readonly rejected: ExecutedTrigger[] = [];
  readonly contactReads: string[] = [];
  /** The location the chooselocation page installs into. */
  defaultLocation = { id: 'loc_standin_1', name: 'Sunrise Dental', companyId: 'cmp_standin' };
  expiresInSeconds = 86399;
  private readonly codes = new Map<string, string>();
  private readonly accessTokens = new Map<string, AccessToken>();
  private readonly refreshTokens = new Map<string, string>();
  private readonly contacts = new Map<string, GhlContact>();
  private readonly locationNames = new Map<string, string>();
  private waiters: Array<() => void> = [];
  private server!: Server;

  static async start(): Promise<GhlStandIn> {
    const standIn = new GhlStandIn();
    standIn.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => standIn.handle(req, res, Buffer.concat(chunks).toString()));
    });
    await new Promise<void>((resolve) => standIn.server.listen(0, '127.0.0.1', resolve));
    standIn.url = `http://127.0.0.1:${(standIn.server.address() as AddressInfo).port}`;
    standIn.locationNames.set(standIn.defaultLocation.id, standIn.defaultLocation.name);
    return standIn;
  }

  /** What the server under test needs to talk to this stand-in. */
  env(): Record<string, string> {
    return {
      GHL_CLIENT_ID: GHL_CLIENT.id,
      GHL_CLIENT_SECRET: GHL_CLIENT.secret,
      GHL_SHARED_SECRET,
      GHL_TOKEN_ENCRYPTION_KEY: GHL_ENCRYPTION_KEY,
      GHL_API_BASE_URL: this.url,
      GHL_MARKETPLACE_URL: this.url,
      GHL_WEBHOOK_PUBLIC_KEY: this.keys.ed25519.publicPem,
      GHL_LEGACY_WEBHOOK_PUBLIC_KEY: this.keys.rsa.publicPem,
    };
  }

  /** An authorization code for a location, as GHL's install redirect carries. */
  issueCode(locationId = this.defaultLocation.id, name?: string): string {
    const code = `code_${randomBytes(9).toString('hex')}`;
    this.codes.set(code, locationId);
    if (name) this.locationNames.set(locationId, name);
    return code;
  }

  addContact(contact: GhlContact): void {
    this.contacts.set(contact.id, contact);
  }

  /** Every access token issued so far stops working (GHL answers 401 until a refresh). */
  expireAccessTokens(): void {
    for (const token of this.accessTokens.values()) token.expired = true;
  }

  /** A location's tokens all stop working, refresh tokens too (as after the app was removed in GHL). */
  revokeLocationTokens(locationId: string): void {
    for (const token of this.accessTokens.values()) if (token.locationId === locationId) token.expired = true;
    for (const [token, location] of this.refreshTokens)
      if (location === locationId) this.refreshTokens.delete(token);
  }

  /** Whether this refresh token would still be accepted. */
  refreshTokenWorks(token: string): boolean {
    return this.refreshTokens.has(token);
  }

  isLiveAccessToken(token: string): boolean {
    const found = this.accessTokens.get(token);
    return !!found && !found.expired;
  }

  /** Resolves once `count` trigger executions have been received. */
  async waitForExecutions(count: number, timeoutMs = 15_000): Promise<ExecutedTrigger[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.executed.length < count) {
      if (Date.now() > deadline)
        throw new Error(`expected ${count} trigger executions, got ${this.executed.length}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
    return this.executed.slice(0, count);
  }

  /** Headers GHL would send with an install/uninstall webhook body. */
  signWebhook(body: string, which: 'ed25519' | 'rsa' | 'both' = 'ed25519'): Record<string, string> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (which !== 'rsa')
      headers['x-ghl-signature'] = sign(null, Buffer.from(body), this.keys.ed25519.privateKey).toString(
        'base64',
      );
    if (which !== 'ed25519')
      headers['x-wh-signature'] = sign('sha256', Buffer.from(body), this.keys.rsa.privateKey).toString(
        'base64',
      );
    return headers;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', this.url);
    const json = (status: number, value: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    };
    if (req.method === 'POST' && url.pathname === '/oauth/token') return this.token(body, json);
    if (req.method === 'GET' && /^\/(v2\/)?oauth\/chooselocation$/.test(url.pathname)) {
      const redirect = new URL(url.searchParams.get('redirect_uri') ?? '');
      if (url.searchParams.get('client_id') !== GHL_CLIENT.id) return json(400, { error: 'unknown client' });
      redirect.searchParams.set('code', this.issueCode());
      return void res.writeHead(302, { location: redirect.toString() }).end();
    }
    const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const access = this.accessTokens.get(token);
    const version = req.headers.version as string | undefined;
    const execute = /^\/workflows-marketplace\/triggers\/execute\/[^/]+\/[^/]+$/.test(url.pathname);
    if (execute && req.method === 'POST') {
      if (!access || access.expired) {
        this.rejected.push({ path: url.pathname, token, version, body: JSON.parse(body) as unknown });
        return json(401, { message: 'Invalid JWT' });
      }
      if (version !== '2021-04-15') return json(400, { message: 'Version header is missing or wrong' });
      this.executed.push({ path: url.pathname, token, version, body: JSON.parse(body) as unknown });
      for (const wake of this.waiters.splice(0)) wake();
      return json(200, { success: true });
    }
    const contact = /^\/contacts\/([^/]+)$/.exec(url.pathname);
    const location = /^\/locations\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && (contact || location)) {
      if (!access || access.expired) return json(401, { message: 'Invalid JWT' });
      if (version !== '2021-07-28') return json(400, { message: 'Version header is missing or wrong' });
      if (location) {
        if (location[1] !== access.locationId) return json(403, { message: 'not this location' });
        return json(200, {
          location: { id: location[1], name: this.locationNames.get(location[1]!) ?? 'Unnamed' },
        });
      }
      const found = this.contacts.get(decodeURIComponent(contact![1]!));
      this.contactReads.push(contact![1]!);
      if (!found || found.locationId !== access.locationId)
        return json(404, { message: 'Contact not found' });
      return json(200, { contact: found });
    }
    json(404, { message: `stand-in has no ${req.method} ${url.pathname}` });
  }

  private token(body: string, json: (status: number, value: unknown) => void): void {
    const form = new URLSearchParams(body);
    const grantType = form.get('grant_type') ?? '';
    this.tokenRequests.push({ grantType, userType: form.get('user_type') ?? undefined });
    if (form.get('client_id') !== GHL_CLIENT.id || form.get('client_secret') !== GHL_CLIENT.secret)
      return json(401, { error: 'invalid_client' });
    let locationId: string | undefined;
    if (grantType === 'authorization_code') {
      locationId = this.codes.get(form.get('code') ?? '');
      this.codes.delete(form.get('code') ?? '');
    } else if (grantType === 'refresh_token') {
      const presented = form.get('refresh_token') ?? '';
      locationId = this.refreshTokens.get(presented);
      // Rotation: the refresh token just used stops working.
      this.refreshTokens.delete(presented);
    }
    if (!locationId) return json(400, { error: 'invalid_grant', error_description: 'Invalid grant' });
    const accessToken = `ghl_at_${randomBytes(12).toString('hex')}`;
    const refreshToken = `ghl_rt_${randomBytes(12).toString('hex')}`;
    this.accessTokens.set(accessToken, { locationId, expired: false });
    this.refreshTokens.set(refreshToken, locationId);
    json(200, {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: this.expiresInSeconds,
      refresh_token: refreshToken,
      scope: 'contacts.readonly locations.readonly workflows.readonly',
      userType: 'Location',
      locationId,
      companyId: this.defaultLocation.companyId,
      userId: 'usr_standin',
    });
  }
}
