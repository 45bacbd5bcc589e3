import express from 'express';
import helmet from 'helmet';
import { securityHeaders } from '../../../webhook-server/src/http/securityHeaders';
import { whileListening } from '../../support/listening';
import { api, createTenant, startTestServer, type TestServer } from '../../support/server';

/** The headers helmet() itself sets on a response of a bare Express app, by lowercase name. */
async function helmetsOwnHeaders(): Promise<Record<string, string>> {
  const app = express();
  app.use(helmet());
  app.get('/', (_req, res) => {
    res.send('ok');
  });
  return whileListening(app, async (base) => {
    const res = await fetch(`${base}/`);
    const bare = new Set(['content-type', 'content-length', 'etag', 'date', 'connection', 'keep-alive']);
    return Object.fromEntries([...res.headers].filter(([name]) => !bare.has(name)));
  });
}

describe('security headers', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('sqlite');
  });
  afterAll(() => server.stop());

  test("when the API, a 404 or an error answers, then each carries helmet's headers and values, and no X-Powered-By", async () => {
    const expected = await helmetsOwnHeaders();
    expect(Object.keys(expected).length).toBeGreaterThan(10);
    const tenant = await createTenant(server);
    const answers = [
      await api(server, 'GET', '/v1/api/account', { apiKey: tenant.apiKey }),
      await api(server, 'GET', '/v1/api/account'),
      await api(server, 'GET', '/no-such-page'),
    ];
    expect(answers.map((a) => a.status)).toStrictEqual([200, 401, 404]);
    for (const answer of answers) {
      for (const [name, value] of Object.entries(expected))
        expect([name, answer.headers.get(name)]).toStrictEqual([name, value]);
      expect(answer.headers.get('x-powered-by')).toBeNull();
    }
  });

  test('when helmet is given a directive computed per request, then securityHeaders refuses to start', () => {
    expect(() =>
      securityHeaders({ contentSecurityPolicy: { directives: { scriptSrc: [(req) => String(req.url)] } } }),
    ).toThrow(/helmet read the request/);
  });
});
