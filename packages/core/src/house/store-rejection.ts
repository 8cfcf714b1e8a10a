import type { AuctionCommand, CommandOutcome } from '../engine/types.js';

/**
 * The answer to a command the store (or the queue) refused to write on its own: a rejection
 * with STORE_REJECTED. Nothing of it was stored, and sending it again gets the same answer.
 */
export function storeRejection(command: AuctionCommand, error: unknown): CommandOutcome {
  const reason = error instanceof Error ? error.message : String(error);
  const message = `The store refused to write this ${command.type}; it was not applied (${reason}).`;
  if (command.type === 'bid' || command.type === 'buy-now')
    return { status: 'rejected', bidId: command.bidId, auctionId: command.auctionId, code: 'STORE_REJECTED', message };
  const auctionId = command.type === 'create' ? command.spec.id : command.auctionId;
  return { status: 'rejected', auctionId, code: 'STORE_REJECTED', message };
}
