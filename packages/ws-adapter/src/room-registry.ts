import type { AuctionHouse, Clock } from '@outcry/core';
import type { Connection } from './connection.js';
import type { GatewayCounters } from './gateway-metrics.js';
import { Room, type Subscription } from './room.js';
import type { SlowConsumerPolicy } from './slow-consumer-policy.js';

/** The open rooms, one per watched auction; a room goes away with its last subscriber. */
export class RoomRegistry {
  readonly #rooms = new Map<string, Room>();
  readonly #house: AuctionHouse;
  readonly #clock: Clock;
  readonly #counters: GatewayCounters;
  readonly #policy: SlowConsumerPolicy;

  constructor(house: AuctionHouse, clock: Clock, counters: GatewayCounters, policy: SlowConsumerPolicy) {
    this.#house = house;
    this.#clock = clock;
    this.#counters = counters;
    this.#policy = policy;
  }

  get size(): number {
    return this.#rooms.size;
  }

  /** Subscriptions over all rooms. */
  get subscriptions(): number {
    let total = 0;
    for (const room of this.#rooms.values()) total += room.size;
    return total;
  }

  /** Subscribe a connection to an auction, opening its room when needed. */
  join(auctionId: string, connection: Connection, resumeFrom: number | null): Subscription {
    let room = this.#rooms.get(auctionId);
    if (room === undefined) {
      room = new Room({
        auctionId,
        house: this.#house,
        clock: this.#clock,
        counters: this.#counters,
        policy: this.#policy,
        onEmpty: (empty) => {
          if (this.#rooms.get(empty.auctionId) === empty) this.#rooms.delete(empty.auctionId);
        },
      });
      this.#rooms.set(auctionId, room);
    }
    return room.join(connection, resumeFrom);
  }

  /** Every subscription of a connection ends (it closed). */
  leaveAll(connection: Connection): void {
    for (const subscription of [...connection.subscriptions.values()]) subscription.room.leave(subscription);
  }

  closeAll(): void {
    for (const room of [...this.#rooms.values()]) room.close();
    this.#rooms.clear();
  }
}
