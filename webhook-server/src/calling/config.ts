import { isHttpUrl, readInteger, type Env } from '../envVars';

/** Which calling-platform adapter runs, and what it needs. */
export type CallingConfig =
  | {
      adapter: 'sandbox';
      /** How many times faster than real time the sandbox dialer plays calls out (SANDBOX_CALL_SPEED). */
      speed: number;
    }
  | {
      adapter: 'dispatch';
      /** Where each queued call is POSTed (ATLAS_PLATFORM_URL). */
      url: string;
      /** Signs each dispatch, Standard Webhooks style (ATLAS_PLATFORM_SECRET, whsec_…). */
      secret: string;
    };

export const MAX_SANDBOX_SPEED = 10_000;

/**
 * The dispatcher when ATLAS_PLATFORM_URL is set, else the offline sandbox dialer. The sandbox
 * places no real calls yet debits call time, so production must choose it explicitly
 * (CALLING_ADAPTER=sandbox) rather than fall into it, as with BILLING_ADAPTER.
 */
export function loadCallingConfig(env: Env, production: boolean, problems: string[]): CallingConfig {
  const url = env.ATLAS_PLATFORM_URL || undefined;
  const adapter = env.CALLING_ADAPTER || (url ? 'dispatch' : 'sandbox');
  const speed = readInteger(env, 'SANDBOX_CALL_SPEED', 1, 1, MAX_SANDBOX_SPEED, problems);
  if (adapter === 'sandbox') {
    if (production && !env.CALLING_ADAPTER) {
      problems.push(
        'ATLAS_PLATFORM_URL is required in production (where queued calls are sent); to play calls out with the offline sandbox dialer instead, set CALLING_ADAPTER=sandbox',
      );
    }
    return { adapter: 'sandbox', speed };
  }
  if (adapter !== 'dispatch') {
    problems.push(`CALLING_ADAPTER must be dispatch or sandbox (got "${adapter}")`);
    return { adapter: 'sandbox', speed };
  }
  if (!url || !isHttpUrl(url)) {
    problems.push('ATLAS_PLATFORM_URL must be the http(s) URL the calling platform takes calls at');
  } else if (production && !url.startsWith('https://')) {
    problems.push('ATLAS_PLATFORM_URL must use https in production');
  }
  const secret = env.ATLAS_PLATFORM_SECRET ?? '';
  if (!/^whsec_[A-Za-z0-9+/]{32,}={0,2}$/.test(secret)) {
    problems.push(
      'ATLAS_PLATFORM_SECRET must be a Standard Webhooks secret: whsec_ then at least 24 random bytes in base64 (for example: echo whsec_$(openssl rand -base64 32))',
    );
  }
  return { adapter: 'dispatch', url: url ?? '', secret };
}
