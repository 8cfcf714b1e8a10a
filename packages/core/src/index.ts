export * from './engine/index.js';
export {
  ERROR_CODES,
  ERROR_MEANINGS,
  type ErrorCode,
  isOutcryError,
  OutcryError,
  type RejectionCode,
} from './errors.js';
export * from './house/index.js';
export * from './json/index.js';
export * from './memory/index.js';
export * from './ports/index.js';
export { auctionIdSchema, isAuctionId, MAX_AUCTION_ID_LENGTH } from './schemas/auction-id.js';
export { freeTextIssue, freeTextSchema } from './schemas/free-text.js';
export * from './schemas/input-schemas.js';
export { decodeListCursor, encodeListCursor, isListCursor, readListCursor } from './schemas/list-cursor.js';
export {
  findMetadataIssue,
  MAX_METADATA_BYTES,
  MAX_METADATA_DEPTH,
  MAX_METADATA_ENTRIES,
  type MetadataIssue,
  metadataSchema,
} from './schemas/metadata-schema.js';
export {
  codePointLength,
  hasLoneSurrogate,
  isOpaqueId,
  MAX_ID_LENGTH,
  opaqueIdIssue,
  opaqueIdSchema,
  opaqueIdSchemaOf,
} from './schemas/opaque-id.js';
export { describeIssues, type InputIssue, parseInput } from './schemas/parse-input.js';
