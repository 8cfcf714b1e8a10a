import { readFileSync } from 'node:fs';
import { ERROR_CODES, ERROR_MEANINGS, OutcryError } from '@outcry/core';
import { describe, expect, it } from 'vitest';
import { envSchema } from '../src/config.js';
import {
  ALL_ERROR_CODES,
  ApiError,
  describeError,
  HTTP_STATUSES,
  meaningOf,
  SERVER_ERROR_MEANINGS,
} from '../src/http-errors.js';
import { buildOpenApiDocument } from '../src/openapi-document.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The rows of the README's error table: code -> status and meaning. */
function readmeErrorRows(): Map<string, { status: number; meaning: string }> {
  const section = README.slice(README.indexOf('## Errors'), README.indexOf('\n## ', README.indexOf('## Errors') + 1));
  const rows = new Map<string, { status: number; meaning: string }>();
  for (const [, code, status, meaning] of section.matchAll(/^\| ([A-Z_]+) +\| (\d{3}) +\| (.*?) +\|$/gm))
    rows.set(code as string, { status: Number(status), meaning: meaning as string });
  return rows;
}

describe('the error table', () => {
  it('gives every code of @outcry/core an HTTP status, and means by it what core means', () => {
    for (const code of ERROR_CODES) {
      expect(HTTP_STATUSES, `core code ${code} has no HTTP status in src/http-errors.ts`).toHaveProperty([code]);
      expect(meaningOf(code)).toBe(ERROR_MEANINGS[code]);
    }
    expect(Object.keys(SERVER_ERROR_MEANINGS).filter((code) => code in ERROR_MEANINGS)).toEqual([]);
  });

  it('uses error statuses only (4xx for the caller, 5xx for the server)', () => {
    for (const code of ALL_ERROR_CODES) {
      expect(HTTP_STATUSES[code], code).toBeGreaterThanOrEqual(400);
      expect(HTTP_STATUSES[code], code).toBeLessThan(600);
    }
    expect(Object.keys(HTTP_STATUSES).sort()).toEqual([...ALL_ERROR_CODES].sort());
  });

  it('has a README row for every code, with its status and meaning, and no row for an unknown code', () => {
    const rows = readmeErrorRows();
    expect([...rows.keys()]).toEqual([...ALL_ERROR_CODES]);
    for (const code of ALL_ERROR_CODES) {
      expect(rows.get(code), `README.md row of ${code}`).toEqual({
        status: HTTP_STATUSES[code],
        meaning: meaningOf(code),
      });
    }
  });

  it('lists every code in the OpenAPI error schema', () => {
    const doc = buildOpenApiDocument() as {
      components: { schemas: { Error: { properties: { error: { properties: { code: { enum: string[] } } } } } } };
    };
    expect(doc.components.schemas.Error.properties.error.properties.code.enum).toEqual([...ALL_ERROR_CODES]);
  });

  it('maps errors of every origin, and hides the message of unexpected ones', () => {
    expect(describeError(new ApiError('RATE_LIMITED', 'slow', { headers: { 'Retry-After': '1' } }))).toMatchObject({
      status: 429,
      headers: { 'Retry-After': '1' },
    });
    expect(describeError(new OutcryError('SHUTTING_DOWN', 'stopping'))).toMatchObject({
      status: 503,
      body: { error: { code: 'SHUTTING_DOWN' } },
    });
    expect(
      describeError(Object.assign(new Error('x'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 })),
    ).toMatchObject({ status: 413 });
    expect(describeError(Object.assign(new Error('odd'), { statusCode: 400 }))).toMatchObject({
      status: 400,
      body: { error: { code: 'BAD_REQUEST' } },
    });
    const internal = describeError(new TypeError('secret detail'));
    expect(internal).toMatchObject({
      status: 500,
      internal: true,
      body: { error: { code: 'INTERNAL_ERROR', message: 'Internal error.' } },
    });
  });
});

describe('the README', () => {
  it('documents every environment variable the server reads', () => {
    for (const name of Object.keys(envSchema.shape)) {
      expect(README, `README.md does not document ${name}`).toMatch(new RegExp(`^\\|\\s*${name}\\s*\\|`, 'm'));
    }
  });

  it('documents every route of the OpenAPI document', () => {
    const doc = buildOpenApiDocument() as { paths: Record<string, Record<string, unknown>> };
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const method of Object.keys(methods)) {
        const shown = `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`;
        expect(README, `README.md does not list ${shown}`).toContain(shown);
      }
    }
  });

  it('names the screenshot, which exists', () => {
    expect(README).toContain('screenshots/live-auction.png');
    expect(readFileSync(new URL('../screenshots/live-auction.png', import.meta.url)).length).toBeGreaterThan(10_000);
  });
});
