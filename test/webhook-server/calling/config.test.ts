import { ConfigError, loadConfig } from '../../../webhook-server/src/config';
import { PRODUCTION_ENV, without } from '../../support/env';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
};
const SECRET = `whsec_${Buffer.from('a platform secret of 32 bytes!!!').toString('base64')}`;

describe('calling platform configuration', () => {
  test('when nothing is configured, then the sandbox dialer runs at real speed', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).calling).toStrictEqual({ adapter: 'sandbox', speed: 1 });
  });

  test('when SANDBOX_CALL_SPEED is set, then the dialer plays calls that many times faster', () => {
    expect(loadConfig({ NODE_ENV: 'test', SANDBOX_CALL_SPEED: '60' }).calling).toStrictEqual({
      adapter: 'sandbox',
      speed: 60,
    });
    expect(problemsOf({ NODE_ENV: 'test', SANDBOX_CALL_SPEED: 'fast' })).toStrictEqual([
      'SANDBOX_CALL_SPEED must be a whole number from 1 to 10000 (got "fast")',
    ]);
  });

  test('when production has no platform URL, then it must opt into the sandbox explicitly', () => {
    const production = without(PRODUCTION_ENV, 'CALLING_ADAPTER');
    expect(problemsOf(production)).toStrictEqual([
      'ATLAS_PLATFORM_URL is required in production (where queued calls are sent); to play calls out with the offline sandbox dialer instead, set CALLING_ADAPTER=sandbox',
    ]);
    expect(problemsOf({ ...production, CALLING_ADAPTER: 'sandbox' })).toStrictEqual([]);
  });

  test('when ATLAS_PLATFORM_URL and its secret are set, then calls are dispatched there', () => {
    const env = { NODE_ENV: 'test', ATLAS_PLATFORM_URL: 'https://platform.atlas.example/calls' };
    expect(loadConfig({ ...env, ATLAS_PLATFORM_SECRET: SECRET }).calling).toStrictEqual({
      adapter: 'dispatch',
      url: 'https://platform.atlas.example/calls',
      secret: SECRET,
    });
    expect(problemsOf(env).join('\n')).toContain('ATLAS_PLATFORM_SECRET must be a Standard Webhooks secret');
  });

  test('when the platform URL is not https in production, then the start is refused', () => {
    const env = {
      ...without(PRODUCTION_ENV, 'CALLING_ADAPTER'),
      ATLAS_PLATFORM_URL: 'http://platform.internal/calls',
      ATLAS_PLATFORM_SECRET: SECRET,
    };
    expect(problemsOf(env)).toStrictEqual(['ATLAS_PLATFORM_URL must use https in production']);
  });
});
