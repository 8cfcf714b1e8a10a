import ledger from './migrations/0001_ledger.sql';
import queue from './migrations/0002_queue.sql';
import leases from './migrations/0003_leases.sql';
import broadcastOverflow from './migrations/0004_broadcast_overflow.sql';
import commitBatches from './migrations/0005_commit_batches.sql';
import setBasedCommitBatches from './migrations/0006_set_based_commit_batches.sql';
import partitionCount from './migrations/0007_partition_count.sql';

/** One numbered, forward-only migration. `{{schema}}` in its text stands for the quoted schema. */
export interface Migration {
  readonly id: number;
  readonly name: string;
  readonly sql: string;
}

/** Every migration, in the order they apply. Append only: a released one is never edited. */
export const MIGRATIONS: readonly Migration[] = [
  { id: 1, name: '0001_ledger', sql: ledger },
  { id: 2, name: '0002_queue', sql: queue },
  { id: 3, name: '0003_leases', sql: leases },
  { id: 4, name: '0004_broadcast_overflow', sql: broadcastOverflow },
  { id: 5, name: '0005_commit_batches', sql: commitBatches },
  { id: 6, name: '0006_set_based_commit_batches', sql: setBasedCommitBatches },
  { id: 7, name: '0007_partition_count', sql: partitionCount },
];
