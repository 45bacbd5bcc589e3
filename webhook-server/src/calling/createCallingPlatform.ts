import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Storage } from '../db/database';
import type { CallingPlatform } from '../domain/callingPlatform';
import type { Clock } from '../domain/clock';
import { SandboxDialer } from './sandboxDialer';

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
  if (calling.adapter !== 'sandbox') throw new Error('The platform dispatcher is not built yet.');
  const dialer = new SandboxDialer(storage, clock, logger, calling.speed, options.sandboxPollMs);
  return { platform: dialer, start: () => dialer.start(), stop: () => dialer.stop() };
}
