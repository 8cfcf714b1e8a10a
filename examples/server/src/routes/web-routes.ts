import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildOpenApiDocument } from '../openapi-document.js';

const PUBLIC_DIR = fileURLToPath(new URL('../../public/', import.meta.url));
/** Swagger UI's prebuilt files, from the installed package: /docs works offline, with no CDN. */
const SWAGGER_UI_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Every file of public/ at its name, the two pages at their paths, and Swagger UI under /docs/. */
function servedFiles(): Array<{ path: string; file: string }> {
  const own = readdirSync(PUBLIC_DIR)
    .filter((name) => extname(name) in TYPES)
    .map((name) => ({ path: `/${name}`, file: join(PUBLIC_DIR, name) }));
  return [
    ...own,
    { path: '/', file: join(PUBLIC_DIR, 'index.html') },
    { path: '/docs', file: join(PUBLIC_DIR, 'docs.html') },
    // What browsers ask for when a page names no icon: the same picture, not a 404 in the log.
    { path: '/favicon.ico', file: join(PUBLIC_DIR, 'favicon.svg') },
    { path: '/docs/swagger-ui.css', file: join(SWAGGER_UI_DIR, 'swagger-ui.css') },
    { path: '/docs/swagger-ui-bundle.js', file: join(SWAGGER_UI_DIR, 'swagger-ui-bundle.js') },
  ];
}

/** Scripts and styles come from this server only; the pages talk to this server's API and /ws. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self'; script-src 'self'; base-uri 'none'; frame-ancestors 'none'";

/** GET / (the live auction page and its files), GET /docs (Swagger UI) and GET /openapi.json. */
export function registerWebRoutes(app: FastifyInstance): void {
  // Read once at start and served from memory: no build step, no static plugin.
  for (const { path, file } of servedFiles()) {
    const content = readFileSync(file);
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    // no-cache revalidates each time: the ETag makes that a 304, not the whole Swagger UI bundle again.
    const etag = `"${createHash('sha256').update(content).digest('base64url').slice(0, 27)}"`;
    app.get(path, async (request, reply) => {
      reply
        .header('Cache-Control', 'no-cache')
        .header('ETag', etag)
        .header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
        .header('X-Content-Type-Options', 'nosniff');
      if (request.headers['if-none-match'] === etag) return reply.code(304).send();
      return reply.header('Content-Type', type).send(content);
    });
  }
  // Built per request: the examples' times (an auction's end) are then in the future.
  app.get('/openapi.json', async (_request, reply) =>
    reply.header('Content-Type', 'application/json; charset=utf-8').send(JSON.stringify(buildOpenApiDocument())),
  );
}
