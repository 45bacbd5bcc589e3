import { createConfig, lintFromString } from '@redocly/openapi-core';
import { api, startTestServer, type TestServer } from '../../support/server';
import { schemaFiles } from '../../../schemas/generated/registry';
import { validatorFor } from '../../../webhook-server/src/http/validation';

describe('API description and operations endpoints', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('sqlite', { PUBLIC_BASE_URL: 'https://connect.atlas.test' });
  });
  afterAll(() => server.stop());

  test('when /openapi.json is fetched, then it is a lint-clean OpenAPI 3.1 document holding every schema', async () => {
    const res = await api(server, 'GET', '/openapi.json');
    expect(res.status).toBe(200);
    // Health probes have no client errors to document; the API is not published under a licence;
    // the OAuth sign-in form (POST /oauth/authorize) answers only with redirects and error pages.
    const config = await createConfig({
      extends: ['recommended'],
      rules: { 'info-license': 'off', 'operation-4xx-response': 'off', 'operation-2xx-response': 'off' },
    });
    const problems = await lintFromString({
      source: JSON.stringify(res.body),
      absoluteRef: 'openapi.json',
      config,
    });
    expect(
      problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`),
    ).toStrictEqual([]);
    expect(Object.keys(res.body.components.schemas)).toHaveLength(Object.keys(schemaFiles).length);
    const refs = JSON.stringify(res.body).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const ref of refs) expect(ref).toMatch(/"#\/components\/schemas\/\w+"/);
  });

  test('when /docs is opened, then the page and its assets are served locally', async () => {
    const page = await fetch(`${server.url}/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toMatch(/https?:\/\//);
    for (const asset of [
      '/docs/assets/swagger-ui-bundle.js',
      '/docs/assets/swagger-ui.css',
      '/docs/init.js',
    ]) {
      expect(html).toContain(asset);
      const res = await fetch(server.url + asset);
      expect(res.status).toBe(200);
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
    }
  });

  test('when health is probed, then liveness and readiness answer', async () => {
    expect((await api(server, 'GET', '/healthz')).body).toStrictEqual({ status: 'ok' });
    expect((await api(server, 'GET', '/readyz')).body).toStrictEqual({ status: 'ready', database: 'sqlite' });
  });

  test('when an unknown route is called, then a JSON 404 points to the docs', async () => {
    const res = await api(server, 'GET', '/v2/nothing');
    expect(res.status).toBe(404);
    expect(res.body.message).toMatch(/\/docs/);
  });

  test.each(Object.keys(schemaFiles).filter((f) => f.startsWith('events/')))(
    'the documented sample of %s matches its schema',
    (file) => {
      const schema = schemaFiles[file as keyof typeof schemaFiles] as { examples: unknown[] };
      const validate = validatorFor(file as keyof typeof schemaFiles);
      expect(schema.examples).toHaveLength(1);
      expect(validate(schema.examples[0])).toBe(true);
    },
  );
});
