import { openApiDocument } from '../../../webhook-server/src/http/openapi';
import '../../../webhook-server/src/http/routes/billing';
import '../../../webhook-server/src/http/routes/calls';

describe('OpenAPI document with billing and calls', () => {
  test('when billing and call routes are loaded, then their paths are documented with component refs that exist', () => {
    const doc = openApiDocument('http://localhost:3000');
    const paths = Object.keys(doc.paths as object);
    for (const path of [
      '/v1/api/billing/checkout',
      '/v1/api/billing/portal',
      '/v1/api/billing/extra-minutes',
      '/webhooks/stripe',
      '/v1/api/calls',
      '/v1/api/calls/{id}',
    ])
      expect(paths).toContain(path);
    const components = (doc.components as { schemas: Record<string, unknown> }).schemas;
    const refs = JSON.stringify(doc.paths).match(/#\/components\/schemas\/\w+/g) ?? [];
    for (const ref of refs) expect(components).toHaveProperty(ref.split('/').pop() as string);
  });
});
