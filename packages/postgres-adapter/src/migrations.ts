import {
  MIGRATIONS_0001_LEDGER,
  MIGRATIONS_0002_QUEUE,
  MIGRATIONS_0003_LEASES,
  MIGRATIONS_0004_BROADCAST_OVERFLOW,
  MIGRATIONS_0005_COMMIT_BATCHES,
  MIGRATIONS_0006_SET_BASED_COMMIT_BATCHES,
  MIGRATIONS_0007_PARTITION_COUNT,
} from './assets.generated.js';

/** One numbered, forward-only migration. `{{schema}}` in its text stands for the quoted schema. */
export interface Migration {
  readonly id: number;
  readonly name: string;
  readonly sql: string;
}

/** Every migration of `migrations/`, in the order they apply. Append only: a released one is never edited. */
export const MIGRATIONS: readonly Migration[] = [
  { id: 1, name: '0001_ledger', sql: MIGRATIONS_0001_LEDGER },
  { id: 2, name: '0002_queue', sql: MIGRATIONS_0002_QUEUE },
  { id: 3, name: '0003_leases', sql: MIGRATIONS_0003_LEASES },
  { id: 4, name: '0004_broadcast_overflow', sql: MIGRATIONS_0004_BROADCAST_OVERFLOW },
  { id: 5, name: '0005_commit_batches', sql: MIGRATIONS_0005_COMMIT_BATCHES },
  { id: 6, name: '0006_set_based_commit_batches', sql: MIGRATIONS_0006_SET_BASED_COMMIT_BATCHES },
  { id: 7, name: '0007_partition_count', sql: MIGRATIONS_0007_PARTITION_COUNT },
];
