import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { createBillingGateway } from './billing/createGateway';
import { createCallingPlatform, platformEndpoint } from './calling/createCallingPlatform';
import { Registry } from 'prom-client';
import type { Config } from './config';
import { createLimitedServer } from './connectionLimits';
import { startCheckpointer } from './db/checkpointer';
import { openStorage, type Storage } from './db/storage';
import { migrate } from './db/migrate';
import { DeliveryMetrics } from './delivery/metrics';
import { countDueDeliveries } from './delivery/queue';
import { DeliveryWorker } from './delivery/worker';
import { systemClock, type Clock } from './domain/clock';
import { ghlDeliveryProviders } from './ghl/deliveryProvider';
import { buildApp } from './http/app';
import { bearerAuthenticator } from './http/oauth/bearer';
import type { AppContext } from './http/context';
import { createLogger } from './logger';
import { demoBanner, seedDemoIfEmpty } from './seed';

export interface RunningServer {
  url: string;
  port: number;
  context: AppContext;
  /** The in-process delivery worker, unless DELIVERY_WORKER=false. */
  deliveryWorker?: DeliveryWorker;
  /** Stops accepting connections and lets in-flight requests finish; closes the database it opened. */
  close(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  logger?: Logger;
  storage?: Storage;
  /** How long in-flight requests may take to finish on shutdown. */
  shutdownGraceMs?: number;
  /** Delivery worker fallback poll (tests shorten it). */
  deliveryPollIntervalMs?: number;
  /** Where the demo banner goes; console by default. */
  print?: (text: string) => void;
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const ownsStorage = !options.storage;
  const storage = options.storage ?? openStorage(config.databaseUrl);
  await migrate(storage);
  const checkpointer = startCheckpointer(storage, logger);
  /** The checkpoint thread, and the database if this server opened it: closed last. */
  const closeStorage = async () => {
    await checkpointer?.stop();
    if (ownsStorage) await storage.close();
  };
  const metrics = new Registry();
  const shutdown = new AbortController();
  const deliveryMetrics = new DeliveryMetrics(metrics, () => countDueDeliveries(storage.db, clock));
  const calling = createCallingPlatform(config, storage, clock, logger);
  const context: AppContext = {
    config,
    storage,
    clock,
    logger,
    authenticators: [bearerAuthenticator(storage.db, clock)],
    billing: createBillingGateway(config),
    calling: calling.platform,
    metrics,
    shutdown: shutdown.signal,
  };
  const app = buildApp(context);

  const server: Server = createLimitedServer(app, config.connections);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host ?? '::', () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (err: unknown) => {
    await closeStorage();
    throw err;
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://localhost:${port}`;

  if (config.seedDemo && config.env !== 'production') {
    const seed = await seedDemoIfEmpty(storage, clock);
    if (seed) (options.print ?? console.log)(demoBanner(seed, config.publicBaseUrl));
  }
  const deliveryWorker = config.delivery.worker
    ? new DeliveryWorker({
        storage,
        clock,
        logger,
        config: config.delivery,
        metrics: deliveryMetrics,
        listenUrl: storage.engine === 'postgres' ? config.databaseUrl : undefined,
        pollIntervalMs: options.deliveryPollIntervalMs,
        platform: platformEndpoint(config),
        // On SQLite another worker may hold the lock (`atlas-connect worker`, or the previous
        // server during an overlapping restart): the API keeps serving, events stay queued for that
        // worker, and this one takes over when it stops or dies, so deliveries never stall for good.
        waitForLock: true,
        providers: ghlDeliveryProviders(config, storage.db, clock),
      })
    : undefined;
  await deliveryWorker?.start();
  calling.start();
  logger.info(
    {
      port,
      database: storage.engine,
      deliveryWorker: !!deliveryWorker,
      delivering: !!deliveryWorker?.active,
    },
    'atlas-connect listening',
  );

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      shutdown.abort();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // In-flight requests get a grace period; a client that holds a connection open past it is cut.
        setTimeout(() => server.closeAllConnections(), options.shutdownGraceMs ?? 10_000).unref();
      });
      await calling.stop();
      await deliveryWorker?.stop();
      await closeStorage();
    })());
  return { url, port, context, deliveryWorker, close };
}

/** Runs until SIGTERM or SIGINT, then shuts down gracefully. */
export async function serveForever(config: Config): Promise<void> {
  const running = await startServer(config);
  const logger = running.context.logger;
  const stop = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    running.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
