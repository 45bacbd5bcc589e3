import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../webhook-server/src/cli';

describe('operator CLI', () => {
  let dir: string;
  let env: Record<string, string>;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-cli-'));
    env = { DATABASE_URL: `sqlite:${path.join(dir, 'cli.sqlite')}`, NODE_ENV: 'test' };
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function run(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t), env });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  test('when an operator creates an account, key and campaign and sets a plan, then each prints JSON and the key works', async () => {
    const created = await run(
      'accounts',
      'create',
      '--company',
      'Acme',
      '--admin-name',
      'Ann',
      '--email',
      'ann@acme.test',
      '--password',
      'correct-horse-battery',
      '--plan',
      'starter',
      '--json',
    );
    expect(created.code).toBe(0);
    const account = JSON.parse(created.out);
    expect(account).toMatchObject({
      id: expect.stringMatching(/^acc_/),
      companyName: 'Acme',
      planId: 'starter',
    });

    const key = await run('api-keys', 'create', '--account', account.id, '--json');
    expect(key.code).toBe(0);
    expect(JSON.parse(key.out)).toMatchObject({
      accountId: account.id,
      apiKey: expect.stringMatching(/^atlk_/),
    });

    const campaign = await run(
      'campaigns',
      'create',
      '--account',
      account.id,
      '--name',
      'Spring outreach',
      '--json',
    );
    expect(JSON.parse(campaign.out)).toMatchObject({
      id: expect.stringMatching(/^cmp_/),
      name: 'Spring outreach',
      status: 'active',
    });

    const plan = await run('plans', 'set', '--account', account.id, '--plan', 'pro', '--json');
    expect(JSON.parse(plan.out)).toMatchObject({ id: account.id, planId: 'pro', changed: true });

    const migrate = await run('migrate', '--json');
    expect(JSON.parse(migrate.out)).toStrictEqual({ applied: [] });
  });

  test.each([
    [
      [
        'accounts',
        'create',
        '--company',
        'A',
        '--admin-name',
        'B',
        '--email',
        'not-an-email',
        '--password',
        'long-enough-pw',
      ],
      /--email must be a valid email/,
    ],
    [
      [
        'accounts',
        'create',
        '--company',
        'A',
        '--admin-name',
        'B',
        '--email',
        'b@a.test',
        '--password',
        'short',
      ],
      /at least 10 characters/,
    ],
    [
      [
        'accounts',
        'create',
        '--company',
        'A',
        '--admin-name',
        'B',
        '--email',
        'c@a.test',
        '--password',
        'long-enough-pw',
        '--plan',
        'gold',
      ],
      /--plan must be one of free, starter, pro, enterprise/,
    ],
    [['api-keys', 'create', '--account', 'acc_missing'], /No account acc_missing/],
    [['plans', 'set', '--account', 'acc_missing', '--plan', 'pro'], /No account acc_missing/],
    [
      ['campaigns', 'create', '--account', 'acc_missing', '--name', '  '],
      /--name must be 1 to 200 characters/,
    ],
  ])('when the input is bad (%j), then it exits non-zero with a message', async (argv, message) => {
    const result = await run(...argv);
    expect(result.code).not.toBe(0);
    expect(result.err).toMatch(message);
    expect(result.out).toBe('');
  });

  test('when a required option is missing, then commander names it', async () => {
    const result = await run('accounts', 'create', '--company', 'A');
    expect(result.code).not.toBe(0);
    expect(result.err).toMatch(/required option/);
  });

  test('when the same email is used twice, then the second create fails with a clear message', async () => {
    const args = [
      'accounts',
      'create',
      '--company',
      'A',
      '--admin-name',
      'B',
      '--email',
      'twice@a.test',
      '--password',
      'long-enough-pw',
    ];
    expect((await run(...args)).code).toBe(0);
    const second = await run(...args);
    expect(second.code).toBe(1);
    expect(second.err).toMatch(/already uses this admin email/);
  });
});
