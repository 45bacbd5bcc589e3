/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // nock keeps interceptors on Node's shared http module across test files; jest's soft cleanup of
  // globals between files would otherwise warn each time a later file reaches them.
  testEnvironmentOptions: { globalsCleanup: 'off' },
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  globalSetup: '<rootDir>/test/support/globalSetup.js',
  globalTeardown: '<rootDir>/test/support/globalTeardown.js',
  setupFiles: ['<rootDir>/test/support/jestSetup.ts'],
  testTimeout: 20000,
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
