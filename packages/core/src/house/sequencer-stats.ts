/** Counters of the sequencers of one house. */
export interface SequencerStats {
  batches: number;
  commands: number;
  maxBatch: number;
  commitErrors: number;
  /** Commands the store refused on their own, rejected with STORE_REJECTED. */
  refusedCommands: number;
  queueErrors: number;
  cacheErrors: number;
  publishErrors: number;
}

export function createSequencerStats(): SequencerStats {
  return {
    batches: 0,
    commands: 0,
    maxBatch: 0,
    commitErrors: 0,
    refusedCommands: 0,
    queueErrors: 0,
    cacheErrors: 0,
    publishErrors: 0,
  };
}
