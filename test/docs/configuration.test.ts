import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../webhook-server/src/config';

const CONFIGURATION_DOC = path.join(__dirname, '../../docs/configuration.md');

/**
 * The variables loadConfig reads, recorded as it reads them. One environment per branch that
 * reads more (production, Stripe, dispatch, the GHL app), so every variable is reached.
 */
function variablesTheServerReads(): string[] {
  const read = new Set<string>();
  const environments: Record<string, string>[] = [
    {},
    { NODE_ENV: 'production' },
    { STRIPE_SECRET_KEY: 'sk_test_docs' },
    { ATLAS_PLATFORM_URL: 'https://platform.example' },
    { GHL_CLIENT_ID: 'docs' },
  ];
  for (const values of environments) {
    const env = new Proxy(values as Record<string, string | undefined>, {
      get(target, name) {
        if (typeof name === 'string') read.add(name);
        return typeof name === 'string' ? target[name] : undefined;
      },
    });
    try {
      loadConfig(env);
    } catch {
      // Incomplete settings are refused; what matters is what was read on the way.
    }
  }
  return [...read].sort();
}

/** The first cell of each table row before "Not read by the server", one entry per row. */
function variablesDocumented(): string[] {
  const text = readFileSync(CONFIGURATION_DOC, 'utf8').split('## Not read by the server')[0] ?? '';
  return [...text.matchAll(/^\| `([A-Z][A-Z0-9_]*)`/gm)].map((match) => match[1] ?? '');
}

describe('docs/configuration.md', () => {
  test('when the server reads a variable, then the page lists it', () => {
    const documented = new Set(variablesDocumented());
    expect(variablesTheServerReads().filter((name) => !documented.has(name))).toStrictEqual([]);
  });

  test('when the page lists a variable, then the server reads it, and the page lists it once', () => {
    const documented = variablesDocumented();
    const read = new Set(variablesTheServerReads());
    expect(documented.filter((name) => !read.has(name))).toStrictEqual([]);
    expect(documented.filter((name, i) => documented.indexOf(name) !== i)).toStrictEqual([]);
  });
});
