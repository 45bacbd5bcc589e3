import { loadConfig } from '../../webhook-server/src/config';
import type { Engine } from '../../webhook-server/src/db/storage';
import { createAccount } from '../../webhook-server/src/domain/accounts';
import { issueApiKey } from '../../webhook-server/src/domain/apiKeys';
import { createCampaign } from '../../webhook-server/src/domain/campaigns';
import type { Account, Campaign, PlanId } from '../../schemas/generated/types';
import { startServer, type RunningServer, type StartOptions } from '../../webhook-server/src/server';
import { TestClock } from './clock';
import { freshStorage, type TestStorage } from './engines';

export const TEST_SERVICE_TOKEN = 'test-service-token-0123456789abcdef0123456789';

export interface TestServer extends RunningServer {
  clock: TestClock;
  db: TestStorage;
  stop(): Promise<void>;
}

/** The real server on port 0 over a fresh database, with a clock the test controls. */
export async function startTestServer(
  engine: Engine = 'sqlite',
  env: Record<string, string> = {},
  options: Pick<StartOptions, 'logger'> = {},
): Promise<TestServer> {
  const db = await freshStorage(engine);
  const clock = new TestClock();
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: db.databaseUrl,
    ATLAS_SERVICE_TOKEN: TEST_SERVICE_TOKEN,
    ATLAS_SEED_DEMO: 'false',
    ...env,
  });
  const running = await startServer(config, {
    clock,
    storage: db.storage,
    shutdownGraceMs: 1000,
    ...options,
  });
  return {
    ...running,
    clock,
    db,
    stop: async () => {
      await running.close();
      await db.destroy();
    },
  };
}

export interface Tenant {
  account: Account;
  apiKey: string;
  campaign: Campaign;
  password: string;
}

let tenantCounter = 0;

/** An account with an API key and one campaign, created through the domain layer. */
export async function createTenant(server: TestServer, planId: PlanId = 'starter'): Promise<Tenant> {
  tenantCounter += 1;
  const password = `password-${tenantCounter}-long-enough`;
  const { db } = server.context.storage;
  const account = await createAccount(db, server.clock, {
    companyName: `Company ${tenantCounter}`,
    adminName: `Admin ${tenantCounter}`,
    adminEmail: `admin${tenantCounter}.${Date.now()}@example.com`,
    password,
    planId,
  });
  const key = await issueApiKey(db, server.clock, account.id);
  const campaign = await createCampaign(db, server.clock, account.id, `Campaign ${tenantCounter}`);
  return { account, apiKey: key.apiKey, campaign, password };
}

/** fetch against the test server with JSON in and out. */
export async function api(
  server: { url: string },
  method: string,
  path: string,
  options: {
    apiKey?: string;
    token?: string;
    body?: unknown;
    rawBody?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.apiKey) headers['api-key'] = options.apiKey;
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
  const res = await fetch(server.url + path, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: tests see the text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}
