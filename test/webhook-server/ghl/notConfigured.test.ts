import { api, startTestServer, type TestServer } from '../../support/server';

describe('GHL routes when the app is not configured', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('sqlite');
  });
  afterAll(() => server.stop());

  test.each([
    ['GET', '/integrations/ghl/install'],
    ['GET', '/integrations/ghl/oauth/callback?code=abc'],
    ['POST', '/integrations/ghl/webhooks'],
    ['POST', '/integrations/ghl/triggers'],
    ['POST', '/integrations/ghl/actions/start_call'],
    ['GET', '/integrations/ghl/options/campaigns'],
  ])('when %s %s is called, then 404 says which variables switch the app on', async (method, path) => {
    const res = await api(server, method, path, method === 'POST' ? { body: {} } : {});
    expect(res.status).toBe(404);
    expect(res.body.message).toMatch(/GoHighLevel app is not configured.*GHL_CLIENT_ID/);
  });
});
