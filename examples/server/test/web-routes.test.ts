import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../src/routes/web-routes.js';
import { startTestApp } from './support/test-server.js';

const PUBLIC_FILES = readdirSync(fileURLToPath(new URL('../public/', import.meta.url)));

describe('the web routes', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  beforeAll(async () => {
    app = await startTestApp('memory');
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('serves every file of public/, the pages, and Swagger UI from node_modules, all under the CSP', async () => {
    const paths = [
      ...PUBLIC_FILES.map((name) => `/${name}`),
      '/',
      '/docs',
      '/docs/swagger-ui.css',
      '/docs/swagger-ui-bundle.js',
    ];
    for (const url of paths) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-security-policy'], url).toBe(CONTENT_SECURITY_POLICY);
      expect(response.headers['x-content-type-options'], url).toBe('nosniff');
    }
    const bundle = await app.inject({ method: 'GET', url: '/docs/swagger-ui-bundle.js' });
    expect(bundle.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(bundle.body).toContain('SwaggerUIBundle');
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
  });

  it('answers a repeat request for an unchanged file with 304, and a changed tag with the file', async () => {
    const first = await app.inject({ method: 'GET', url: '/docs/swagger-ui-bundle.js' });
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^".+"$/);
    const again = await app.inject({
      method: 'GET',
      url: '/docs/swagger-ui-bundle.js',
      headers: { 'if-none-match': etag },
    });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    const stale = await app.inject({
      method: 'GET',
      url: '/docs/swagger-ui-bundle.js',
      headers: { 'if-none-match': '"old"' },
    });
    expect(stale.statusCode).toBe(200);
    expect(stale.body.length).toBe(first.body.length);
  });
});
