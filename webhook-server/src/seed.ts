import { randomBytes } from 'node:crypto';
import type { Storage } from './db/storage';
import { createAccount } from './domain/accounts';
import { issueApiKey } from './domain/apiKeys';
import { createCampaign } from './domain/campaigns';
import type { Clock } from './domain/clock';

export interface DemoSeed {
  accountId: string;
  adminEmail: string;
  password: string;
  campaignId: string;
  apiKey: string;
}

/**
 * On the first start with an empty database (outside production) a demo account lets a newcomer
 * call the API at once. Its credentials are printed once, to the console only, never logged.
 */
export async function seedDemoIfEmpty(storage: Storage, clock: Clock): Promise<DemoSeed | undefined> {
  const existing = await storage.db.selectFrom('accounts').select('id').limit(1).executeTakeFirst();
  if (existing) return undefined;
  const password = randomBytes(12).toString('base64url');
  const account = await createAccount(storage.db, clock, {
    companyName: 'Demo Company',
    adminName: 'Demo Admin',
    adminEmail: 'admin@demo.atlas.test',
    password,
    planId: 'starter',
  });
  const campaign = await createCampaign(storage.db, clock, account.id, 'Demo campaign');
  const key = await issueApiKey(storage.db, clock, account.id);
  return {
    accountId: account.id,
    adminEmail: account.adminEmail,
    password,
    campaignId: campaign.id,
    apiKey: key.apiKey,
  };
}

export function demoBanner(seed: DemoSeed, baseUrl: string): string {
  return [
    '',
    'Demo account created (shown once; this database keeps only hashes):',
    `  admin email: ${seed.adminEmail}`,
    `  password:    ${seed.password}`,
    `  campaign:    ${seed.campaignId}`,
    `  API key:     ${seed.apiKey}`,
    '',
    'Try it:',
    `  curl -s -H 'api-key: ${seed.apiKey}' ${baseUrl}/v1/api/account`,
    `  or sign in at ${baseUrl}/account with the admin email and password`,
    '',
  ].join('\n');
}
