import { ConfigError, loadConfig } from '../../../webhook-server/src/config';
import { PRODUCTION_ENV } from '../../support/env';
import { GHL_CLIENT, GHL_ENCRYPTION_KEY, GHL_SHARED_SECRET } from '../../support/ghlStandIn';

const GHL_ENV = {
  GHL_CLIENT_ID: GHL_CLIENT.id,
  GHL_CLIENT_SECRET: GHL_CLIENT.secret,
  GHL_SHARED_SECRET,
  GHL_TOKEN_ENCRYPTION_KEY: GHL_ENCRYPTION_KEY,
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('GHL configuration', () => {
  test('when no GHL variable is set, then the GHL app is off', () => {
    expect(loadConfig({}).ghl).toBeUndefined();
  });

  test('when the four required variables are set, then GHL is on with the published keys and URLs as defaults', () => {
    const ghl = loadConfig(GHL_ENV).ghl;
    expect(ghl).toMatchObject({
      clientId: GHL_CLIENT.id,
      apiBaseUrl: 'https://services.leadconnectorhq.com',
      marketplaceUrl: 'https://marketplace.gohighlevel.com',
    });
    expect(ghl?.tokenEncryptionKey.length).toBe(32);
    expect(ghl?.webhookPublicKey.asymmetricKeyType).toBe('ed25519');
    expect(ghl?.legacyWebhookPublicKey.asymmetricKeyType).toBe('rsa');
  });

  test('when only some required variables are set, then the start fails naming each missing one', () => {
    const problems = problemsOf({ GHL_CLIENT_ID: 'abc' }).join('\n');
    for (const name of ['GHL_CLIENT_SECRET', 'GHL_SHARED_SECRET', 'GHL_TOKEN_ENCRYPTION_KEY'])
      expect(problems).toContain(`${name} is required`);
  });

  test('when values are malformed, then each bad variable is named with what it should be', () => {
    const problems = problemsOf({
      ...GHL_ENV,
      GHL_SHARED_SECRET: 'short',
      GHL_TOKEN_ENCRYPTION_KEY: Buffer.alloc(16).toString('base64'),
      GHL_API_BASE_URL: 'services.leadconnectorhq.com',
      GHL_MARKETPLACE_URL: 'https://marketplace.gohighlevel.com/some/path',
      GHL_WEBHOOK_PUBLIC_KEY: 'not a key',
      GHL_LEGACY_WEBHOOK_PUBLIC_KEY: loadConfig(GHL_ENV)
        .ghl!.webhookPublicKey.export({ type: 'spki', format: 'pem' })
        .toString(),
    });
    expect(problems).toStrictEqual([
      'GHL_SHARED_SECRET must be at least 32 characters (for example: openssl rand -hex 32)',
      'GHL_TOKEN_ENCRYPTION_KEY must be 32 bytes in base64 (for example: openssl rand -base64 32)',
      'GHL_API_BASE_URL must be an origin such as https://services.leadconnectorhq.com (got "services.leadconnectorhq.com")',
      'GHL_MARKETPLACE_URL must be an origin such as https://marketplace.gohighlevel.com (got "https://marketplace.gohighlevel.com/some/path")',
      'GHL_WEBHOOK_PUBLIC_KEY must be an Ed25519 public key in PEM form',
      'GHL_LEGACY_WEBHOOK_PUBLIC_KEY must be an RSA public key in PEM form',
    ]);
  });

  test('when running in production, then the GHL URLs must use https', () => {
    const problems = problemsOf({ ...PRODUCTION_ENV, ...GHL_ENV, GHL_API_BASE_URL: 'http://ghl.example' });
    expect(problems).toStrictEqual(['GHL_API_BASE_URL must use https in production']);
  });

  test('when a PEM key is given on one line with \\n escapes, then it is read', () => {
    const pem = loadConfig(GHL_ENV).ghl!.webhookPublicKey.export({ type: 'spki', format: 'pem' }).toString();
    const ghl = loadConfig({ ...GHL_ENV, GHL_WEBHOOK_PUBLIC_KEY: pem.replace(/\n/g, '\\n') }).ghl;
    expect(ghl?.webhookPublicKey.asymmetricKeyType).toBe('ed25519');
  });
});
