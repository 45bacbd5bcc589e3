import { createPublicKey, type KeyObject } from 'node:crypto';
import type { Env } from '../envVars';
import { PUBLISHED_ED25519_KEY, PUBLISHED_RSA_KEY } from './publishedKeys';

/** The GHL marketplace app's settings; absent (routes off) when none of its variables is set. */
export interface GhlConfig {
  clientId: string;
  clientSecret: string;
  /** Sent by GHL as X-Atlas-Secret on trigger-subscription and action requests. */
  sharedSecret: string;
  /** AES-256-GCM key that encrypts the location tokens at rest. */
  tokenEncryptionKey: Buffer;
  /** services.leadconnectorhq.com: token, contacts and trigger-execute URLs. */
  apiBaseUrl: string;
  /** marketplace.gohighlevel.com: where installs start (chooselocation). */
  marketplaceUrl: string;
  webhookPublicKey: KeyObject;
  legacyWebhookPublicKey: KeyObject;
}

export const DEFAULT_GHL_API_BASE_URL = 'https://services.leadconnectorhq.com';
export const DEFAULT_GHL_MARKETPLACE_URL = 'https://marketplace.gohighlevel.com';

/** The variables that switch the app on: all of them, or none. */
const REQUIRED = ['GHL_CLIENT_ID', 'GHL_CLIENT_SECRET', 'GHL_SHARED_SECRET', 'GHL_TOKEN_ENCRYPTION_KEY'];
const OPTIONAL = [
  'GHL_API_BASE_URL',
  'GHL_MARKETPLACE_URL',
  'GHL_WEBHOOK_PUBLIC_KEY',
  'GHL_LEGACY_WEBHOOK_PUBLIC_KEY',
];

/**
 * Reads the GHL_* variables. Setting some of the required ones but not all is a mistake worth a
 * failed start (the app would half work), so each missing one is named.
 */
export function loadGhlConfig(env: Env, production: boolean, problems: string[]): GhlConfig | undefined {
  const set = (name: string) => !!env[name];
  if (![...REQUIRED, ...OPTIONAL].some(set)) return undefined;
  for (const name of REQUIRED.filter((n) => !set(n)))
    problems.push(`${name} is required when any GHL_* variable is set (see docs/ghl.md)`);

  const sharedSecret = env.GHL_SHARED_SECRET ?? '';
  if (sharedSecret && sharedSecret.length < 32)
    problems.push('GHL_SHARED_SECRET must be at least 32 characters (for example: openssl rand -hex 32)');

  const keyText = env.GHL_TOKEN_ENCRYPTION_KEY ?? '';
  const tokenEncryptionKey = Buffer.from(keyText, 'base64');
  if (keyText && (tokenEncryptionKey.length !== 32 || !/^[A-Za-z0-9+/]+={0,2}$/.test(keyText)))
    problems.push(
      'GHL_TOKEN_ENCRYPTION_KEY must be 32 bytes in base64 (for example: openssl rand -base64 32)',
    );

  const apiBaseUrl = baseUrl(env, 'GHL_API_BASE_URL', DEFAULT_GHL_API_BASE_URL, production, problems);
  const marketplaceUrl = baseUrl(
    env,
    'GHL_MARKETPLACE_URL',
    DEFAULT_GHL_MARKETPLACE_URL,
    production,
    problems,
  );
  const webhookPublicKey = publicKey(
    env,
    'GHL_WEBHOOK_PUBLIC_KEY',
    PUBLISHED_ED25519_KEY,
    'ed25519',
    problems,
  );
  const legacyWebhookPublicKey = publicKey(
    env,
    'GHL_LEGACY_WEBHOOK_PUBLIC_KEY',
    PUBLISHED_RSA_KEY,
    'rsa',
    problems,
  );
  if (!webhookPublicKey || !legacyWebhookPublicKey) return undefined;
  return {
    clientId: env.GHL_CLIENT_ID ?? '',
    clientSecret: env.GHL_CLIENT_SECRET ?? '',
    sharedSecret,
    tokenEncryptionKey,
    apiBaseUrl,
    marketplaceUrl,
    webhookPublicKey,
    legacyWebhookPublicKey,
  };
}

function baseUrl(env: Env, name: string, fallback: string, production: boolean, problems: string[]): string {
  const value = (env[name] || fallback).replace(/\/+$/, '');
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol) || url.pathname !== '/' || url.search)
    problems.push(`${name} must be an origin such as ${fallback} (got "${value}")`);
  else if (production && url.protocol !== 'https:') problems.push(`${name} must use https in production`);
  return value;
}

function publicKey(
  env: Env,
  name: string,
  fallback: string,
  type: 'ed25519' | 'rsa',
  problems: string[],
): KeyObject | undefined {
  // A PEM in one environment line often has its newlines written as \n.
  const pem = (env[name] || fallback).replace(/\\n/g, '\n');
  try {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType === type) return key;
  } catch {
    // reported below
  }
  problems.push(`${name} must be an ${type === 'rsa' ? 'RSA' : 'Ed25519'} public key in PEM form`);
  return undefined;
}
