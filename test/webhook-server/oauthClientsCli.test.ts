import { PRODUCTION_ENV, without } from '../support/env';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main, type CliIo } from '../../webhook-server/src/cli';
import { loadConfig } from '../../webhook-server/src/config';
import { openStorage } from '../../webhook-server/src/db/storage';
import { hashToken } from '../../webhook-server/src/domain/secrets';

describe('atlas-connect oauth-clients create', () => {
  let dir: string;
  let databaseUrl: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-cli-'));
    databaseUrl = `sqlite:${path.join(dir, 'db.sqlite')}`;
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = {
      out: (t) => out.push(t),
      err: (t) => err.push(t),
      env: { DATABASE_URL: databaseUrl },
    };
    const code = await main(args, io);
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  test('when run with --json, then it prints the client id and secret once and stores only the hash', async () => {
    const res = await run([
      'oauth-clients',
      'create',
      '--name',
      'Zapier',
      '--redirect-uri',
      'https://zapier.com/dashboard/auth/oauth/return/App1/',
      '--redirect-uri',
      'http://localhost:8080/cb',
      '--json',
    ]);
    expect(res.code).toBe(0);
    const printed = JSON.parse(res.out);
    expect(printed).toMatchObject({
      clientId: expect.stringMatching(/^cli_/),
      clientSecret: expect.stringMatching(/^atlcs_/),
      name: 'Zapier',
      redirectUris: ['https://zapier.com/dashboard/auth/oauth/return/App1/', 'http://localhost:8080/cb'],
    });
    const storage = openStorage(databaseUrl);
    try {
      const row = await storage.db.selectFrom('oauth_clients').selectAll().executeTakeFirstOrThrow();
      expect(row.secret_hash).toBe(hashToken(printed.clientSecret));
      expect(JSON.stringify(row)).not.toContain(printed.clientSecret);
    } finally {
      await storage.close();
    }
  });

  test('when a redirect URI is plain http on a public host or has a fragment, then it exits 1 naming it', async () => {
    for (const uri of ['http://zapier.com/cb', 'https://zapier.com/cb#x', 'not a url']) {
      const res = await run(['oauth-clients', 'create', '--name', 'Zapier', '--redirect-uri', uri]);
      expect(res.code).toBe(1);
      expect(res.err).toContain(uri);
    }
  });
});

describe('OAUTH_FORM_SECRET', () => {
  const production = without(PRODUCTION_ENV, 'OAUTH_FORM_SECRET');
  test('when production runs without it, or it is short, then the start fails naming it', () => {
    expect(() => loadConfig(production)).toThrow(/OAUTH_FORM_SECRET is required in production/);
    expect(() => loadConfig({ ...production, OAUTH_FORM_SECRET: 'short' })).toThrow(/at least 32 characters/);
    expect(loadConfig({ ...production, OAUTH_FORM_SECRET: 'y'.repeat(32) }).oauthFormSecret).toBe(
      'y'.repeat(32),
    );
  });
});
