import { isHttpUrl, readBoolean, readInteger, type Env } from './envVars';
import { loadDeliveryConfig, type DeliveryConfig } from './delivery/config';
import { loadEventStreamConfig, type EventStreamConfig } from './http/eventStream/config';
import { loadCallingConfig, type CallingConfig } from './calling/config';
import { loadGhlConfig, type GhlConfig } from './ghl/config';
import { loadConnectionLimits, type ConnectionLimits } from './connectionLimits';
import { loadApiKeyCacheTtl, loadApiRateLimit, type ApiRateLimitConfig } from './rateLimitConfig';

export interface Config {
  env: 'development' | 'test' | 'production';
  port: number;
  host: string | undefined;
  databaseUrl: string;
  publicBaseUrl: string;
  serviceToken: string | undefined;
  logLevel: string;
  seedDemo: boolean;
  trustProxy: boolean;
  /** Signs the OAuth sign-in form; every process behind one load balancer needs the same value. */
  oauthFormSecret: string | undefined;
  billing: BillingConfig;
  delivery: DeliveryConfig;
  eventStream: EventStreamConfig;
  calling: CallingConfig;
  /** The GHL marketplace app; undefined (its routes answer 404) when not configured. */
  ghl: GhlConfig | undefined;
  connections: ConnectionLimits;
  apiRateLimit: ApiRateLimitConfig;
  /** API_KEY_CACHE_TTL: how long a key read from the database admits requests without another read. */
  apiKeyCacheTtlMs: number;
}

export type PaidPlanId = 'starter' | 'pro' | 'enterprise';

/** Which billing adapter runs, and what the Stripe one needs. */
export type BillingConfig =
  | { adapter: 'sandbox' }
  | {
      adapter: 'stripe';
      secretKey: string;
      webhookSecret: string;
      /** Stripe Price id of each paid plan's monthly subscription. */
      prices: Record<PaidPlanId, string>;
    };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Reads and checks the environment once at boot. Every problem is reported together, each naming
 * the variable and what it should be, so one failed start fixes them all.
 */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const nodeEnv = env.NODE_ENV ?? 'development';
  if (!['development', 'test', 'production'].includes(nodeEnv)) {
    problems.push(`NODE_ENV must be development, test or production (got "${nodeEnv}")`);
  }
  const production = nodeEnv === 'production';

  const port = readInteger(env, 'PORT', 3000, 0, 65535, problems);
  const databaseUrl = env.DATABASE_URL ?? 'sqlite:./data/atlas.sqlite';
  if (!/^(postgres(ql)?:\/\/|sqlite:)/.test(databaseUrl)) {
    problems.push(
      'DATABASE_URL must be postgres://user@host/db or sqlite:PATH (for example sqlite:./data/atlas.sqlite)',
    );
  }

  const publicBaseUrl = (env.PUBLIC_BASE_URL ?? `http://localhost:${port}`).replace(/\/+$/, '');
  if (!isHttpUrl(publicBaseUrl))
    problems.push('PUBLIC_BASE_URL must be an http(s) URL such as https://connect.atlas.example');
  else if (production && !publicBaseUrl.startsWith('https://'))
    problems.push('PUBLIC_BASE_URL must use https in production');

  const serviceToken = env.ATLAS_SERVICE_TOKEN || undefined;
  if (serviceToken !== undefined && serviceToken.length < 32) {
    problems.push('ATLAS_SERVICE_TOKEN must be at least 32 characters (for example: openssl rand -hex 32)');
  } else if (production && !serviceToken) {
    problems.push(
      'ATLAS_SERVICE_TOKEN is required in production: the calling platform authenticates with it',
    );
  }

  const logLevel = env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'silent' : 'info');
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);

  const oauthFormSecret = env.OAUTH_FORM_SECRET || undefined;
  if (oauthFormSecret !== undefined && oauthFormSecret.length < 32) {
    problems.push('OAUTH_FORM_SECRET must be at least 32 characters (for example: openssl rand -hex 32)');
  } else if (production && !oauthFormSecret) {
    problems.push(
      'OAUTH_FORM_SECRET is required in production: it signs the OAuth sign-in form (openssl rand -hex 32)',
    );
  }

  const seedDemo = readBoolean(env, 'ATLAS_SEED_DEMO', !production, problems);
  const trustProxy = readBoolean(env, 'TRUST_PROXY', false, problems);
  const delivery = loadDeliveryConfig(env, problems);
  const eventStream = loadEventStreamConfig(env, problems);
  const connections = loadConnectionLimits(env, trustProxy, problems);
  const apiRateLimit = loadApiRateLimit(env, problems);
  const apiKeyCacheTtlMs = loadApiKeyCacheTtl(env, problems);

  const billing = billingConfig(env, production, problems);
  const calling = loadCallingConfig(env, production, problems);
  const ghl = loadGhlConfig(env, production, problems);

  if (problems.length) throw new ConfigError(problems);
  return {
    env: nodeEnv as Config['env'],
    port,
    host: env.HOST || undefined,
    databaseUrl,
    publicBaseUrl,
    serviceToken,
    logLevel,
    seedDemo,
    trustProxy,
    oauthFormSecret,
    billing,
    delivery,
    eventStream,
    calling,
    ghl,
    connections,
    apiRateLimit,
    apiKeyCacheTtlMs,
  };
}

const PRICE_VARIABLES: Record<PaidPlanId, string> = {
  starter: 'STRIPE_PRICE_STARTER',
  pro: 'STRIPE_PRICE_PRO',
  enterprise: 'STRIPE_PRICE_ENTERPRISE',
};

/**
 * Stripe when STRIPE_SECRET_KEY is set, else the offline sandbox. The sandbox grants purchases for
 * free, so production must choose it explicitly (BILLING_ADAPTER=sandbox) rather than fall into it.
 */
function billingConfig(env: Env, production: boolean, problems: string[]): BillingConfig {
  const secretKey = env.STRIPE_SECRET_KEY || undefined;
  const adapter = env.BILLING_ADAPTER || (secretKey ? 'stripe' : 'sandbox');
  if (adapter !== 'stripe' && adapter !== 'sandbox') {
    problems.push(`BILLING_ADAPTER must be stripe or sandbox (got "${adapter}")`);
    return { adapter: 'sandbox' };
  }
  if (adapter === 'sandbox') {
    if (production && !env.BILLING_ADAPTER) {
      problems.push(
        'STRIPE_SECRET_KEY is required in production; to run without payments set BILLING_ADAPTER=sandbox',
      );
    }
    return { adapter: 'sandbox' };
  }
  if (!secretKey || !/^(sk|rk)_(test|live)_\w+$/.test(secretKey)) {
    problems.push('STRIPE_SECRET_KEY must be a Stripe secret or restricted key (sk_test_…, sk_live_…)');
  }
  const webhookSecret = env.STRIPE_WEBHOOK_SECRET ?? '';
  if (!/^whsec_\w+$/.test(webhookSecret)) {
    problems.push(
      'STRIPE_WEBHOOK_SECRET must be the signing secret of the /webhooks/stripe endpoint (whsec_…)',
    );
  }
  const prices = {} as Record<PaidPlanId, string>;
  for (const [plan, name] of Object.entries(PRICE_VARIABLES) as [PaidPlanId, string][]) {
    const price = env[name] ?? '';
    if (!/^price_\w+$/.test(price))
      problems.push(`${name} must be the Stripe Price id (price_…) of the ${plan} plan's subscription`);
    prices[plan] = price;
  }
  const given = Object.values(prices).filter(Boolean);
  if (new Set(given).size !== given.length)
    problems.push('STRIPE_PRICE_STARTER, STRIPE_PRICE_PRO and STRIPE_PRICE_ENTERPRISE must all differ');
  return { adapter: 'stripe', secretKey: secretKey ?? '', webhookSecret, prices };
}
