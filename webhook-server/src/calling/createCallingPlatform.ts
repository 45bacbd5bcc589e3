import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Storage } from '../db/database';
import type { CallingPlatform } from '../domain/callingPlatform';
import type { Clock } from '../domain/clock';
import { PlatformDispatch } from './platformDispatch';
import { SandboxDialer } from './sandboxDialer';

/** What the delivery worker needs to send platform requests, when calls are dispatched. */
export function platformEndpoint(config: Config): { url: string; secret: string } | undefined {
  return config.calling.adapter === 'dispatch'
    ? { url: config.calling.url, secret: config.calling.secret }
    : undefined;
}

/** The configured adapter, and what runs beside the API for it (the sandbox dialer's loop). */
export interface CallingRuntime {
  platform: CallingPlatform;
  start(): void;
  stop(): Promise<void>;
}

export function createCallingPlatform(
  config: Config,
  storage: Storage,
  clock: Clock,
  logger: Logger,
  options: { sandboxPollMs?: number } = {},
): CallingRuntime {
  const calling = config.calling;
  if (calling.adapter === 'dispatch') {
    // Sent by the delivery worker (serve's, or `atlas-connect worker`): nothing runs here.
    const platform = new PlatformDispatch(clock, calling.url, config.publicBaseUrl);
    return { platform, start: () => undefined, stop: async () => undefined };
  }
  const dialer = new SandboxDialer(storage, clock, logger, calling.speed, options.sandboxPollMs);
  return { platform: dialer, start: () => dialer.start(), stop: () => dialer.stop() };
}
