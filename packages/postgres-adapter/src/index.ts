export {
  createPostgresAdapters,
  type PostgresAdapters,
  type PostgresAdaptersOptions,
} from './create-postgres-adapters.js';
export { type MigrationReport, migrate } from './migrate.js';
export { replayAuction } from './replay-auction.js';
