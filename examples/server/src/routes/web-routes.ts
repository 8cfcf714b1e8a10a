import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildOpenApiDocument } from '../openapi-document.js';

const PUBLIC_DIR = new URL('../../public/', import.meta.url);

/** The page's files: read once at start, served from memory (no build step, no static plugin). */
const FILES: ReadonlyArray<{ path: string; file: string; type: string }> = [
  { path: '/', file: 'index.html', type: 'text/html; charset=utf-8' },
  { path: '/app.js', file: 'app.js', type: 'text/javascript; charset=utf-8' },
  { path: '/style.css', file: 'style.css', type: 'text/css; charset=utf-8' },
  { path: '/docs', file: 'docs.html', type: 'text/html; charset=utf-8' },
  { path: '/docs.js', file: 'docs.js', type: 'text/javascript; charset=utf-8' },
  { path: '/favicon.svg', file: 'favicon.svg', type: 'image/svg+xml' },
  // What browsers ask for when a page names no icon: the same picture, not a 404 in the log.
  { path: '/favicon.ico', file: 'favicon.svg', type: 'image/svg+xml' },
];

/** Scripts and styles come from this server only; the page talks to this server's API and /ws. */
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self'; script-src 'self'; base-uri 'none'; frame-ancestors 'none'";

/** GET / (the live auction page and its files), GET /docs and GET /openapi.json. */
export function registerWebRoutes(app: FastifyInstance): void {
  for (const { path, file, type } of FILES) {
    const content = readFileSync(fileURLToPath(new URL(file, PUBLIC_DIR)));
    app.get(path, async (_request, reply) =>
      reply
        .header('Content-Type', type)
        .header('Cache-Control', 'no-cache')
        .header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
        .header('X-Content-Type-Options', 'nosniff')
        .send(content),
    );
  }
  const document = JSON.stringify(buildOpenApiDocument());
  app.get('/openapi.json', async (_request, reply) =>
    reply.header('Content-Type', 'application/json; charset=utf-8').send(document),
  );
}
