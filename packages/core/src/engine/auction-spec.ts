import type { z } from 'zod';
import type { createAuctionInputSchema } from '../schemas/input-schemas.js';
import { DEFAULT_INCREMENT_TABLE } from './increment.js';
import type { AuctionSpec, IncrementRule } from './types.js';

type ParsedCreateAuction = z.output<typeof createAuctionInputSchema>;

/** Normalise validated create input into the immutable spec of an auction. */
export function buildAuctionSpec(input: ParsedCreateAuction, id: string, now: number): AuctionSpec {
  const increment: IncrementRule =
    input.increment === undefined || input.increment.type === 'table'
      ? { type: 'table', steps: input.increment?.steps ?? DEFAULT_INCREMENT_TABLE }
      : { type: 'fixed', amount: input.increment.amount };
  const softClose = input.softClose;
  return {
    id,
    sellerId: input.sellerId,
    title: input.title,
    currency: input.currency,
    startingPrice: input.startingPrice,
    reservePrice: input.reservePrice ?? null,
    buyNowPrice: input.buyNowPrice ?? null,
    increment,
    softClose:
      softClose === undefined
        ? null
        : {
            windowMs: softClose.windowMs,
            extendMs: softClose.extendMs,
            mode: softClose.mode ?? 'reset',
            maxEndsAt: softClose.maxEndsAt ?? null,
            maxExtensions: softClose.maxExtensions ?? null,
          },
    startsAt: input.startsAt ?? now,
    originalEndsAt: input.endsAt,
    createdAt: now,
    metadata: (input.metadata as Record<string, unknown> | undefined) ?? null,
  };
}
