import { api, startTestServer, type TestServer } from '../../../support/server';

describe('OAuth endpoints in the OpenAPI document', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('sqlite');
  });
  afterAll(() => server.stop());

  test('when /openapi.json is read, then it lists the OAuth endpoints (the sign-in form too) and each schema they name exists', async () => {
    const { body } = await api(server, 'GET', '/openapi.json');
    const oauthPaths = ['/oauth/authorize', '/oauth/token', '/oauth/revoke', '/oauth/userinfo'];
    expect(oauthPaths.map((path) => Object.keys(body.paths[path] ?? {}))).toStrictEqual([
      ['get', 'post'],
      ['post'],
      ['post'],
      ['get'],
    ]);
    const refs = [
      ...JSON.stringify(oauthPaths.map((path) => body.paths[path])).matchAll(/"\$ref":"([^"]+)"/g),
    ];
    expect(refs.length).toBeGreaterThan(0);
    for (const [, ref] of refs)
      expect(body.components.schemas[ref!.replace('#/components/schemas/', '')]).toBeDefined();
    expect(body.components.securitySchemes.clientBasic).toMatchObject({ type: 'http', scheme: 'basic' });
  });
});
