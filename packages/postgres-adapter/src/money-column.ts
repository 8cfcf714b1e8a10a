import { OutcryError } from '@outcry/core';

/**
 * A bigint column as a JS number. pg returns int8 as a string so that nothing is rounded
 * silently; an amount beyond Number.MAX_SAFE_INTEGER cannot be Money, so it is an error.
 */
export function fromBigintColumn(value: string | number | null, column: string): number {
  const number = typeof value === 'number' ? value : Number(value);
  if (value === null || !Number.isSafeInteger(number)) {
    throw new OutcryError('UNAVAILABLE', `Column ${column} holds ${String(value)}, which is not a safe integer.`);
  }
  return number;
}
