import { expect } from 'vitest';
import { type ErrorCode, isOutcryError } from '../../errors.js';

/** Asserts that `action` rejects with an OutcryError of the given code (also across package copies). */
export async function expectOutcryError(action: Promise<unknown>, code: ErrorCode): Promise<void> {
  let failure: unknown = null;
  let rejected = false;
  try {
    await action;
  } catch (error) {
    rejected = true;
    failure = error;
  }
  expect(rejected, `expected a rejection with OutcryError ${code}`).toBe(true);
  expect(isOutcryError(failure) ? failure.code : failure).toBe(code);
}
