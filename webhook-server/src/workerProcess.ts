import { platformEndpoint } from './calling/createCallingPlatform';
import type { Config } from './config';
import { startCheckpointer } from './db/checkpointer';
import { openStorage } from './db/storage';
import { migrate } from './db/migrate';
import { DeliveryWorker } from './delivery/worker';
import { systemClock } from './domain/clock';
import { ghlDeliveryProviders } from './ghl/deliveryProvider';
import { createLogger } from './logger';

/** `atlas-connect worker`: delivery in its own process until SIGTERM or SIGINT, which let in-flight attempts finish. */
export async function workForever(config: Config): Promise<void> {
  const logger = createLogger(config.logLevel);
  const storage = openStorage(config.databaseUrl);
  await migrate(storage);
  const worker = new DeliveryWorker({
    storage,
    clock: systemClock,
    logger,
    config: config.delivery,
    listenUrl: storage.engine === 'postgres' ? config.databaseUrl : undefined,
    providers: ghlDeliveryProviders(config, storage.db, systemClock),
    platform: platformEndpoint(config),
    // A worker that lost the SQLite lock exits so its supervisor restarts it as the standby it now is.
    onLockLost: () => stop('lock lost', 1),
  });
  const checkpointer = startCheckpointer(storage, logger);
  try {
    await worker.start();
  } catch (err) {
    await checkpointer?.stop();
    await storage.close();
    throw err;
  }
  logger.info({ worker: worker.id, database: storage.engine }, 'delivery worker started');
  let stopping = false;
  const stop = (reason: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'delivery worker stopping after in-flight attempts');
    const force = setTimeout(() => process.exit(1), config.delivery.timeoutMs + 15_000);
    force.unref();
    worker
      .stop()
      .then(() => checkpointer?.stop())
      .then(() => storage.close())
      .then(
        () => process.exit(exitCode),
        (err: unknown) => {
          logger.error({ err }, 'worker shutdown failed');
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
