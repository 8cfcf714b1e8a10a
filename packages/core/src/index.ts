export * from './engine/index.js';
export { ERROR_CODES, type ErrorCode, isOutcryError, OutcryError, type RejectionCode } from './errors.js';
export { decodeListCursor, encodeListCursor } from './memory/list-cursor.js';
export * from './memory/index.js';
export * from './ports/index.js';
export * from './schemas/input-schemas.js';
export { describeIssues, type InputIssue, parseInput } from './schemas/parse-input.js';
export * from './house/index.js';
export * from './json/index.js';
