import { type AuctionHouse, createAuctionHouse } from '../../house/auction-house.js';
import type { AuctionHouseOptions } from '../../house/house-options.js';
import type { Backend } from '../../ports/backend.js';

/** What a stack hands a house to run on: a whole backend. */
export type StackBackend = Backend;

/** One process's worth of a stack: a backend on connections of its own. */
export interface StackProcess {
  readonly backend: StackBackend;
  /** Closes this process's connections; its houses are stopped, or abandoned, first. */
  close(): Promise<void>;
}

/** One isolated instance of a stack (its own key prefix, schema, or in-memory ports). */
export interface Stack {
  /**
   * A backend on this instance's shared data, as another process would have. `partitions`
   * other than the instance's count is only asked for to see a house with it refused.
   */
  connect(options?: { readonly partitions?: number }): StackProcess | Promise<StackProcess>;
  /** Drops what the instance stored (keys, schema), once every process is closed. */
  close(): Promise<void>;
}

/** Makes a fresh, isolated instance of a stack laid out for `partitions`. */
export type StackFactory = (options: { readonly partitions: number }) => Stack | Promise<Stack>;

/** What the suite sets on a house besides its backend. */
export type HouseSettings = Omit<AuctionHouseOptions, 'backend' | 'partitions'>;

/** A house on `backend` (not started). */
export function houseOn(backend: StackBackend, settings: HouseSettings = {}): AuctionHouse {
  return createAuctionHouse({ backend, ...settings });
}
