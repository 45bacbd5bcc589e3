import type { Logger } from 'pino';
import type { BillingGateway } from '../billing/gateway';
import type { Registry } from 'prom-client';
import type { Config } from '../config';
import type { Storage } from '../db/database';
import type { CallingPlatform } from '../domain/callingPlatform';
import type { Clock } from '../domain/clock';
import type { Authenticator } from './auth';

/** What route modules need, built once per app. */
export interface AppContext {
  config: Config;
  storage: Storage;
  clock: Clock;
  logger: Logger;
  /** Tried in order on /v1/api/*; the first that recognises the request's credential wins. */
  authenticators: Authenticator[];
  /** Stripe or the offline sandbox, chosen by configuration. */
  billing: BillingGateway;
  /** The sandbox dialer or the platform dispatcher, chosen by configuration. */
  calling: CallingPlatform;
  /** Prometheus registry served at /metrics; modules register their metrics on it. */
  metrics: Registry;
}
