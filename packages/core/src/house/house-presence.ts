import type { Lease, Lock } from '../ports/lock.js';

/**
 * How many houses share the partitions, counted through the Lock alone: each house keeps a
 * lease on one of `slots` presence keys, and a key someone else holds is a house alive.
 */
export class HousePresence {
  readonly #lock: Lock;
  readonly #houseId: string;
  readonly #slots: number;
  #slot: Lease | null = null;

  constructor(lock: Lock, houseId: string, slots: number) {
    this.#lock = lock;
    this.#houseId = houseId;
    this.#slots = slots;
  }

  /** This house's slot number, or null before it has one. */
  get slot(): number | null {
    return this.#slot === null ? null : Number(this.#slot.key.slice('house:'.length));
  }

  /** Renew this house's slot, if it has one (between counts, which can take long). */
  async keep(ttlMs: number): Promise<void> {
    const slot = this.#slot;
    if (slot === null) return;
    const renewed = await this.#lock.renew(slot, ttlMs);
    // A count running meanwhile may have replaced the slot: only this one is dropped when lost.
    if (this.#slot === slot) this.#slot = renewed;
  }

  /**
   * Keep this house's slot and count the houses present, this one included. A slot held on the
   * first look is looked at again after the others: another house counting at the same time holds
   * each of its spare slots for a moment, and two houses walking the slots together would each
   * take the other's passing hold for one more house, shrink their fair shares and hand
   * partitions over for nothing. With `join` false (a house standing aside), this house leaves
   * its slot, takes none, and counts the others only.
   */
  async count(ttlMs: number, join = true): Promise<number> {
    if (!join) await this.leave();
    if (this.#slot !== null) this.#slot = await this.#lock.renew(this.#slot, ttlMs);
    const mine = this.#slot?.key;
    const held: string[] = [];
    // One slot at a time, each spare one given back at once: another house probing meanwhile
    // sees at most one of them as a house.
    for (let i = 0; i < this.#slots; i++) {
      const key = `house:${i}`;
      if (key !== mine && !(await this.#probe(key, ttlMs, join))) held.push(key);
    }
    let present = join ? 1 : 0;
    for (const key of held) if (!(await this.#probe(key, ttlMs, join))) present++;
    return present;
  }

  /** False when `key` is held; else it is taken, kept as this house's slot when it joins and has none, given back otherwise. */
  async #probe(key: string, ttlMs: number, join: boolean): Promise<boolean> {
    const lease = await this.#lock.acquire(key, this.#houseId, ttlMs);
    if (lease === null) return false;
    if (join && this.#slot === null) this.#slot = lease;
    else await this.#lock.release(lease);
    return true;
  }

  async leave(): Promise<void> {
    if (this.#slot !== null) await this.#lock.release(this.#slot).catch(() => false);
    this.#slot = null;
  }
}
