import { AppError } from '../../../webhook-server/src/domain/errors';
import { createOAuthClient, redirectUriProblem } from '../../../webhook-server/src/domain/oauth/clients';
import { freshStorage, testEngines, type TestStorage } from '../../support/engines';
import { TestClock } from '../../support/clock';

describe('OAuth client redirect URIs', () => {
  test.each([
    ['https://user:pw@hooks.example.com/cb', 'must not contain a user name or password'],
    ['https://user@hooks.example.com/cb', 'must not contain a user name or password'],
    ['https://:pw@hooks.example.com/cb', 'must not contain a user name or password'],
    ['https://hooks.example.com/cb#x', 'must not contain a fragment'],
    ['http://hooks.example.com/cb', 'must use https'],
  ])('when the redirect URI is %s, then it is refused: %s', (uri, problem) => {
    expect(redirectUriProblem(uri)).toContain(problem);
  });

  test('when the redirect URI is plain https or a loopback http one, then it is accepted', () => {
    expect(
      redirectUriProblem('https://zapier.com/dashboard/auth/oauth/return/App123CLIAPI/'),
    ).toBeUndefined();
    expect(redirectUriProblem('http://127.0.0.1:8080/cb')).toBeUndefined();
  });
});

describe.each(testEngines())('creating an OAuth client on %s', (engine) => {
  let storage: TestStorage;
  beforeAll(async () => {
    storage = await freshStorage(engine);
  });
  afterAll(() => storage.destroy());

  test('when a redirect URI carries userinfo, then no client is created and the error names it', async () => {
    const attempt = createOAuthClient(storage.storage.db, new TestClock(), {
      name: 'Sneaky',
      redirectUris: ['https://user:pw@hooks.example.com/cb'],
    });
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    await expect(attempt).rejects.toThrow(/must not contain a user name or password/);
    expect(await storage.storage.db.selectFrom('oauth_clients').selectAll().execute()).toStrictEqual([]);
  });
});
