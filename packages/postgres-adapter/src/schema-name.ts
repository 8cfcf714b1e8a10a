import { OutcryError } from '@outcry/core';

/**
 * Lowercase letters, digits and underscores, starting with a letter or underscore, at most
 * 40 characters: always a valid unquoted identifier, and short enough that channel and
 * prepared-statement names built from it stay under PostgreSQL's 63-byte limit.
 */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,39}$/;

/** Checks a schema name and returns it; throws OutcryError INVALID_INPUT otherwise. */
export function validateSchemaName(schema: string): string {
  if (typeof schema !== 'string' || !SCHEMA_NAME.test(schema)) {
    throw new OutcryError(
      'INVALID_INPUT',
      `Invalid schema name ${JSON.stringify(schema)}: use 1 to 40 lowercase letters, digits or underscores, not starting with a digit.`,
    );
  }
  return schema;
}

/** The name as a quoted identifier. Validation already excludes quotes; quoting keeps reserved words safe. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
