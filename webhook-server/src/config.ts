import { loadDeliveryConfig, type DeliveryConfig } from './delivery/config';

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
  delivery: DeliveryConfig;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

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

  const port = integer(env, 'PORT', 3000, 0, 65535, problems);
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

  const seedDemo = boolean(env, 'ATLAS_SEED_DEMO', !production, problems);
  const trustProxy = boolean(env, 'TRUST_PROXY', false, problems);
  const delivery = loadDeliveryConfig(env, problems);

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
    delivery,
  };
}

function integer(
  env: Env,
  name: string,
  fallback: number,
  min: number,
  max: number,
  problems: string[],
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
    return fallback;
  }
  return value;
}

function boolean(env: Env, name: string, fallback: boolean, problems: string[]): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  problems.push(`${name} must be true or false (got "${raw}")`);
  return fallback;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
