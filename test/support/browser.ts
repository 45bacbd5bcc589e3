import { chromium, type BrowserContext } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Chromium's path when this run has a browser (decided once in globalSetup), else null. */
export const chromiumPath: string | null = process.env.ATLAS_TEST_BROWSER || null;

/** `describe` when Chromium is here, `describe.skip` otherwise (globalSetup printed why, once). */
export const describeWithBrowser: jest.Describe = chromiumPath ? describe : describe.skip;

/** Flags this machine's Chromium needs: no sandbox as root, and no calls to a network it lacks. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A headless Chromium with a throwaway profile; close() removes the profile too. */
export async function launchBrowser(): Promise<TestBrowser> {
  if (!chromiumPath) throw new Error('launchBrowser() needs Chromium: wrap the suite in describeWithBrowser');
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 30_000,
  });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
