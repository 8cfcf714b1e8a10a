import type { z } from 'zod';
import { type ErrorCode, OutcryError } from '../errors.js';

/** One problem with an input, as reported in `details`. */
export interface InputIssue {
  readonly path: string;
  readonly message: string;
}

/** The zod issues as plain `{ path, message }` rows, stable enough for clients. */
export function describeIssues(error: z.ZodError): InputIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

/** Parse or throw an OutcryError with the stable `code` and the zod issues as `details`. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, code: ErrorCode, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const details = describeIssues(parsed.error);
  const first = details[0];
  const where =
    first === undefined ? '' : first.path === '' ? `: ${first.message}` : `: ${first.path} ${first.message}`;
  throw new OutcryError(code, `Invalid ${what}${where}`, { details });
}
