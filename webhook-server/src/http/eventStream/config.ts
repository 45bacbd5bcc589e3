import { duration as readDuration } from '../../delivery/config';
import { readInteger, type Env } from '../../envVars';

/** GET /v1/api/events-gateway/stream: how often it reads and beats, and how many an account may hold open. */
export interface EventStreamConfig {
  /** A comment line this often keeps proxies and clients from closing an idle stream. */
  heartbeatMs: number;
  /** How often each stream reads the events table for new events. */
  pollMs: number;
  /** Open streams per account and API process; one more gets 429. */
  maxPerAccount: number;
}

export function loadEventStreamConfig(env: Env, problems: string[]): EventStreamConfig {
  return {
    heartbeatMs: readDuration(env, 'EVENT_STREAM_HEARTBEAT', '15s', problems),
    pollMs: readDuration(env, 'EVENT_STREAM_POLL', '1s', problems),
    maxPerAccount: readInteger(env, 'EVENT_STREAM_MAX_PER_ACCOUNT', 5, 1, 1000, problems),
  };
}
