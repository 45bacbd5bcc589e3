import { Writable } from 'node:stream';
import pino from 'pino';
import { loadConfig } from '../../../webhook-server/src/config';
import { TokenCipher } from '../../../webhook-server/src/ghl/tokenCipher';
import { REDACTED_PATHS } from '../../../webhook-server/src/logger';
import { startServer } from '../../../webhook-server/src/server';
import { TestClock } from '../../support/clock';
import { freshStorage } from '../../support/engines';
import { openInstallCallback, submitLinkForm } from '../../support/ghlInstall';
import { GHL_SHARED_SECRET, GhlStandIn } from '../../support/ghlStandIn';
import { postFromGhl, triggerSubscription } from '../../support/ghlWorkflow';
import { api, createTenant, type TestServer } from '../../support/server';

test('when a GHL location installs, subscribes, fires and acts, then the logs hold no code, token, secret or password', async () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const logger = pino({ level: 'debug', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink);
  const standIn = await GhlStandIn.start();
  const storage = await freshStorage('sqlite');
  const clock = new TestClock();
  const running = await startServer(
    loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      ATLAS_SEED_DEMO: 'false',
      ATLAS_ALLOW_PRIVATE_HOOK_URLS: 'true',
      ...standIn.env(),
    }),
    { clock, logger, storage: storage.storage },
  );
  const server = { ...running, clock, db: storage, stop: running.close } as TestServer;
  try {
    const tenant = await createTenant(server);
    const form = await openInstallCallback(server, standIn, 'loc_logs');
    expect((await submitLinkForm(form, tenant.account.adminEmail, tenant.password)).status).toBe(200);
    const row = await storage.storage.db.selectFrom('ghl_locations').selectAll().executeTakeFirstOrThrow();
    const cipher = new TokenCipher(running.context.config.ghl!.tokenEncryptionKey);
    const installTokens = [
      cipher.open(row.access_token, 'loc_logs:access'),
      cipher.open(row.refresh_token, 'loc_logs:refresh'),
    ];

    await postFromGhl(
      server,
      '/integrations/ghl/triggers',
      triggerSubscription(standIn, 'loc_logs', 'atlas_account_updated'),
    );
    standIn.expireAccessTokens();
    await api(server, 'PATCH', '/v1/api/account', {
      apiKey: tenant.apiKey,
      body: { companyName: 'Logged Dental' },
    });
    const [fired] = await standIn.waitForExecutions(1);
    const refreshed = await storage.storage.db
      .selectFrom('ghl_locations')
      .selectAll()
      .executeTakeFirstOrThrow();

    const logs = lines.join('');
    expect(logs).toContain('/integrations/ghl/triggers');
    expect(logs).toContain('/integrations/ghl/oauth/callback');
    for (const secret of [
      ...installTokens,
      fired!.token,
      cipher.open(refreshed.refresh_token, 'loc_logs:refresh'),
      GHL_SHARED_SECRET,
      tenant.password,
      new URLSearchParams(form.fields).get('csrf')!,
    ])
      expect(logs).not.toContain(secret);
    expect(logs).not.toMatch(/code=code_/);
  } finally {
    await running.close();
    await storage.destroy();
    await standIn.close();
  }
});
