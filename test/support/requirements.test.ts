import { spawn } from 'node:child_process';
import path from 'node:path';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '../..');
const BROWSER_SUITE = 'test/e2e/oauthBrowser.test.ts';

/** jest on the browser suite in a child process, as a fresh machine (no Chromium) runs it. */
function runBrowserSuite(extraEnv: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, CHROMIUM_PATH: '/nonexistent/chromium', ...extraEnv };
  // The outer run's CI switches and its PostgreSQL run id stay out: the child's teardown would
  // otherwise drop this run's schemas.
  for (const name of [
    'REQUIRE_BROWSER',
    'REQUIRE_POSTGRES',
    'REQUIRE_SHARED',
    'TEST_DATABASE_URL',
    'ATLAS_TEST_RUN',
  ])
    if (!(name in extraEnv)) delete env[name];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [require.resolve('jest/bin/jest'), '--ci', BROWSER_SUITE], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

const count = (text: string, needle: string) => text.split(needle).length - 1;

describe('the browser suite without Chromium', () => {
  test('when CHROMIUM_PATH points nowhere, then the suite is skipped with one line saying how to enable it', async () => {
    const { code, output } = await runBrowserSuite({});
    expect(code).toBe(0);
    expect(count(output, 'Browser tests SKIPPED')).toBe(1);
    expect(output).toContain(
      'Browser tests SKIPPED: no Chromium at /nonexistent/chromium (apt-get install chromium, or set CHROMIUM_PATH).',
    );
    expect(output).toMatch(/Tests:\s+\d+ skipped, \d+ total/);
  });

  test('when REQUIRE_BROWSER=1 too, then the run fails naming what is missing', async () => {
    const { code, output } = await runBrowserSuite({ REQUIRE_BROWSER: '1' });
    expect(code).not.toBe(0);
    expect(output).toContain('Browser tests REQUIRED: no Chromium at /nonexistent/chromium');
    expect(output).not.toMatch(/Tests:\s+\d+ passed/);
  });
});
