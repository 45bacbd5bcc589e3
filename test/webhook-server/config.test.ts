import { PRODUCTION_ENV } from '../support/env';
import { ConfigError, loadConfig } from '../../webhook-server/src/config';

describe('configuration', () => {
  test('when nothing is set, then the embedded SQLite default on port 3000 is used', () => {
    expect(loadConfig({})).toMatchObject({
      env: 'development',
      port: 3000,
      databaseUrl: 'sqlite:./data/atlas.sqlite',
      publicBaseUrl: 'http://localhost:3000',
      serviceToken: undefined,
      seedDemo: true,
    });
  });

  test('when several variables are bad, then one error names each of them', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        ATLAS_SERVICE_TOKEN: 'short',
        LOG_LEVEL: 'loud',
        ATLAS_SEED_DEMO: 'maybe',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['PORT', 'DATABASE_URL', 'ATLAS_SERVICE_TOKEN', 'LOG_LEVEL', 'ATLAS_SEED_DEMO'])
      expect(problems).toContain(name);
  });

  test('when running in production, then a service token and an https public URL are required and no demo is seeded', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', PUBLIC_BASE_URL: 'http://atlas.example' })).toThrow(
      /https in production[\s\S]*ATLAS_SERVICE_TOKEN is required/,
    );
    const config = loadConfig(PRODUCTION_ENV);
    expect(config.seedDemo).toBe(false);
  });
});
