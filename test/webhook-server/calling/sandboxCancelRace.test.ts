import { SandboxDialer } from '../../../webhook-server/src/calling/sandboxDialer';
import { SANDBOX_NUMBERS } from '../../../webhook-server/src/calling/sandboxScript';
import { createAccount } from '../../../webhook-server/src/domain/accounts';
import { lockCall } from '../../../webhook-server/src/domain/callProgress';
import { startCall } from '../../../webhook-server/src/domain/callRequests';
import { createCampaign } from '../../../webhook-server/src/domain/campaigns';
import { systemClock } from '../../../webhook-server/src/domain/clock';
import { inTransaction } from '../../../webhook-server/src/domain/db';
import { captureLogs } from '../../support/capturedLogs';
import { freshStorage, testEngines, type TestStorage } from '../../support/engines';

/**
 * A cancel holds its call's lock and then removes the call's next step; the dialer must take the
 * same two locks in the same order. It took the step's first, and a cancel arriving while a step
 * was being applied deadlocked with it (PostgreSQL failed the cancel with a 500, seen under load).
 */
describe.each(testEngines())('the sandbox dialer and a cancel at the same moment on %s', (engine) => {
  let db: TestStorage;
  beforeEach(async () => {
    db = await freshStorage(engine);
  });
  afterEach(() => db.destroy());

  test('when a step falls due while a cancel holds the call, then neither fails and the step is gone', async () => {
    const { storage } = db;
    const { logger, errors } = captureLogs();
    // The call is queued through a stopped dialer (its wake after the commit does nothing), so
    // the dial step waits until the test wakes the other one, while the cancel holds the call.
    const queuing = new SandboxDialer(storage, systemClock, logger, 1000, 60_000);
    await queuing.stop();
    const dialer = new SandboxDialer(storage, systemClock, logger, 1000, 60_000);
    const account = await createAccount(storage.db, systemClock, {
      companyName: 'Race',
      adminName: 'Admin',
      adminEmail: `race.${Date.now()}.${Math.random()}@example.com`,
      password: 'password-long-enough',
      planId: 'starter',
    });
    const campaign = await createCampaign(storage.db, systemClock, account.id, 'Race');
    const call = await startCall(storage.db, systemClock, queuing, account.id, {
      campaignId: campaign.id,
      phoneNumber: SANDBOX_NUMBERS.ringsForAnHour,
    });

    await inTransaction(storage.db, async (trx) => {
      const locked = await lockCall(trx, call.id);
      // The dial step is due now: the dialer tries it while this transaction holds the call.
      dialer.wake();
      await new Promise((resolve) => setTimeout(resolve, 300));
      await dialer.callCanceled(trx, locked!);
    });
    await dialer.stop();

    expect(errors().map((line) => line.msg)).toEqual([]);
    const steps = await storage.db.selectFrom('sandbox_call_steps').select('call_id').execute();
    expect(steps).toEqual([]);
    const row = await storage.db
      .selectFrom('calls')
      .select('status')
      .where('id', '=', call.id)
      .executeTakeFirst();
    // Nothing dialed it: the step went with the cancel's transaction.
    expect(row?.status).toBe('queued');
  });
});
