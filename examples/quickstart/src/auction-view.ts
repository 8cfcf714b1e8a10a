import type { PublicAuction } from '@outcry/core';
import type { Happening } from './happening.js';
import type { QuickstartTiming } from './quickstart-timing.js';

/** Everything a view draws at one instant. */
export interface AuctionFrame {
  readonly auction: PublicAuction;
  /** When the frame was taken (ms since epoch). */
  readonly now: number;
  readonly timing: QuickstartTiming;
  /** Bids the bots saw rejected so far. */
  readonly rejections: number;
}

/** Where the quickstart shows its auction: redrawn in place on a terminal, or as plain lines. */
export interface AuctionView {
  /** Something happened (a bid, an outbid, a rejection, an extension...). */
  happen(happening: Happening): void;
  /** The auction as it is now; called a few times per second. */
  render(frame: AuctionFrame): void;
  /** The last frame and the result; the view writes nothing after this. */
  finish(frame: AuctionFrame, summary: readonly string[]): void;
}

/** `mm:ss.t` of a duration, for countdowns and log times. */
export function formatClock(ms: number): string {
  const tenths = Math.max(0, Math.floor(ms / 100));
  const minutes = Math.floor(tenths / 600);
  const secs = Math.floor((tenths % 600) / 10);
  return `${String(minutes).padStart(2, '0')}:${String(secs).padStart(2, '0')}.${tenths % 10}`;
}
