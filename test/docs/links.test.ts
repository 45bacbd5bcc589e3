import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '../..');

/** The pages a newcomer or operator reads: the README, docs/ and the folder READMEs. */
const PAGES = [
  'README.md',
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
  'connector/zapier/README.md',
  'connector/make/README.md',
  'connector/ghl/README.md',
  'webhook-server/src/delivery/README.md',
  'webhook-server/src/billing/README.md',
  'webhook-server/src/calling/README.md',
];

/** Markdown text outside fenced code blocks, where a link is a link. */
function prose(file: string): string {
  return readFileSync(path.join(ROOT, file), 'utf8').replace(/^```[\s\S]*?^```/gm, '');
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens. */
function anchors(file: string): Set<string> {
  const headings = [...prose(file).matchAll(/^#{1,6} (.+)$/gm)].map((m) => m[1] ?? '');
  return new Set(
    headings.map((h) =>
      h
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replace(/ /g, '-'),
    ),
  );
}

function relativeLinks(file: string): string[] {
  return [...prose(file).matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1] ?? '')
    .filter((target) => !/^[a-z]+:/.test(target));
}

describe('the docs', () => {
  test.each(PAGES)('when %s links to a file or a heading, then it exists', (file) => {
    const broken = relativeLinks(file).filter((link) => {
      const [target = '', anchor] = link.split('#');
      const resolved = target ? path.join(ROOT, path.dirname(file), target) : path.join(ROOT, file);
      if (!existsSync(resolved)) return true;
      return (
        anchor !== undefined &&
        resolved.endsWith('.md') &&
        !anchors(path.relative(ROOT, resolved)).has(anchor)
      );
    });
    expect(broken).toStrictEqual([]);
  });

  test('when a newcomer reads the README, then its layout table names every source folder', () => {
    const readme = prose('README.md');
    const layout = new Set([...readme.matchAll(/^\| `([^`]+?)\/?` /gm)].map((m) => m[1]));
    const folders = (dir: string) =>
      readdirSync(path.join(ROOT, dir), { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => `${dir}/${e.name}`);
    const expected = [
      ...['schemas', 'test', 'bench', 'scripts', 'tools', 'bin', 'docs', '.ci'],
      ...folders('webhook-server/src'),
      ...folders('connector'),
      'webhook-server/src/http/account',
    ];
    expect(expected.filter((folder) => !layout.has(folder))).toStrictEqual([]);
  });

  test('when a newcomer opens the README, then it is a front door of at most 120 lines', () => {
    expect(
      readFileSync(path.join(ROOT, 'README.md'), 'utf8').trimEnd().split('\n').length,
    ).toBeLessThanOrEqual(120);
  });
});
