export {
  createPostgresAdapters,
  type PostgresAdapters,
  type PostgresAdaptersOptions,
} from './create-postgres-adapters.js';
export { type MigrationReport, migrate } from './migrate.js';
export { MIGRATIONS, type Migration } from './migrations.js';
export {
  NotificationListener,
  type NotificationHandler,
  type NotificationListenerOptions,
} from './notification-listener.js';
export { PostgresAuctionStore } from './postgres-auction-store.js';
export { PostgresBidQueue } from './postgres-bid-queue.js';
export { type BroadcasterStats, MAX_INLINE_PAYLOAD_BYTES, PostgresBroadcaster } from './postgres-broadcaster.js';
export { PostgresLock } from './postgres-lock.js';
export { replayAuction } from './replay-auction.js';
export { quoteIdentifier, validateSchemaName } from './schema-name.js';
