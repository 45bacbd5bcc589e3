import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStorage, type Storage } from '../../../../webhook-server/src/db/storage';
import { migrate } from '../../../../webhook-server/src/db/migrate';
import { createAccount } from '../../../../webhook-server/src/domain/accounts';
import { systemClock } from '../../../../webhook-server/src/domain/clock';
import { recordEvent } from '../../../../webhook-server/src/domain/events';
import { DELIVERY_CHANNEL } from '../../../../webhook-server/src/domain/hooks/newWork';
import { subscribe } from '../../../../webhook-server/src/domain/hooks/subscriptions';
import { testEngines } from '../../../support/engines';

// PostgreSQL only (the run's SKIPPED line about it comes from globalSetup).
const describePostgres = testEngines().includes('postgres') ? describe : describe.skip;

describePostgres('deliveries committed on PostgreSQL wake the workers of other processes', () => {
  let storage: Storage;
  let listener: pg.Client;
  let accountId: string;
  const notifications: number[] = [];

  beforeAll(async () => {
    const schema = `t_${process.env.ATLAS_TEST_RUN ?? 'adhoc'}_${randomBytes(6).toString('hex')}`;
    storage = openStorage(process.env.TEST_DATABASE_URL!, { schema });
    await migrate(storage);
    accountId = (
      await createAccount(storage.db, systemClock, {
        companyName: 'Announcer',
        adminName: 'Ann',
        adminEmail: `ann.${schema}@example.com`,
        password: 'announcer-password',
        planId: 'pro',
      })
    ).id;
    await subscribe(storage.db, systemClock, accountId, {
      hookUrl: 'https://hooks.example.com/a',
      triggerName: 'account_updated',
    });
    // What another process's worker does (pgWakeups.ts).
    listener = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await listener.connect();
    listener.on('notification', (message) => {
      if (message.channel === DELIVERY_CHANNEL) notifications.push(Date.now());
    });
    await listener.query(`LISTEN ${DELIVERY_CHANNEL}`);
  });

  afterAll(async () => {
    await listener.end();
    await storage.close();
  });

  const event = () =>
    ({ accountId, campaignId: null, triggerName: 'account_updated', data: { changedFields: [] } }) as const;
  /** Waits up to 5 s for `count` notifications (other test files on the database may add theirs). */
  const untilNotified = async (count: number) => {
    for (let waited = 0; notifications.length < count && waited < 5000; waited += 10)
      await new Promise((resolve) => setTimeout(resolve, 10));
  };

  test('when an event with a subscriber commits, then a listener on another connection is notified', async () => {
    notifications.length = 0;
    await recordEvent(storage.db, systemClock, event());
    await untilNotified(1);
    expect(notifications.length).toBeGreaterThanOrEqual(1);
  });
});
