interface Deadline {
  at: number;
  auctionId: string;
}

/**
 * One timer structure for every auction waiting to open or close: a binary min-heap of
 * deadlines. Each auction has at most one entry (its earliest), so a waiting auction costs one
 * small object and no timer.
 */
export class DeadlineHeap {
  readonly #heap: Deadline[] = [];
  readonly #armed = new Map<string, number>();

  get size(): number {
    return this.#heap.length;
  }

  /** The earliest deadline, or Infinity. */
  peek(): number {
    return this.#heap[0]?.at ?? Number.POSITIVE_INFINITY;
  }

  /** Arm `auctionId` at `at` unless an entry at or before `at` is armed already: it will look again then. */
  arm(auctionId: string, at: number): void {
    const armed = this.#armed.get(auctionId);
    if (armed !== undefined && armed <= at) return;
    this.#armed.set(auctionId, at);
    this.#heap.push({ at, auctionId });
    this.#up(this.#heap.length - 1);
  }

  /** Remove and return every auction whose deadline is at or before `now`. */
  popDue(now: number): string[] {
    const due: string[] = [];
    while (this.#heap.length > 0 && (this.#heap[0] as Deadline).at <= now) {
      const top = this.#pop();
      // A later-armed earlier entry supersedes this one; only the armed entry counts.
      if (this.#armed.get(top.auctionId) === top.at) {
        this.#armed.delete(top.auctionId);
        due.push(top.auctionId);
      }
    }
    return due;
  }

  /** Forget auctions (a partition was lost); their entries are dropped lazily. */
  disarm(auctionIds: Iterable<string>): void {
    for (const id of auctionIds) this.#armed.delete(id);
  }

  #pop(): Deadline {
    const heap = this.#heap;
    const top = heap[0] as Deadline;
    const last = heap.pop() as Deadline;
    if (heap.length > 0) {
      heap[0] = last;
      this.#down(0);
    }
    return top;
  }

  #up(index: number): void {
    const heap = this.#heap;
    const item = heap[index] as Deadline;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const above = heap[parent] as Deadline;
      if (above.at <= item.at) break;
      heap[index] = above;
      index = parent;
    }
    heap[index] = item;
  }

  #down(index: number): void {
    const heap = this.#heap;
    const item = heap[index] as Deadline;
    const n = heap.length;
    for (;;) {
      let child = 2 * index + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n && (heap[right] as Deadline).at < (heap[child] as Deadline).at) child = right;
      const below = heap[child] as Deadline;
      if (below.at >= item.at) break;
      heap[index] = below;
      index = child;
    }
    heap[index] = item;
  }
}
