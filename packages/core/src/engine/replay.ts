import { applyCommand } from './apply-command.js';
import type { AuctionCommand, AuctionState } from './types.js';

/** Rebuild an auction from the commands of its ledger, in seq order. Every one must change the state. */
export function replayCommands(commands: Iterable<AuctionCommand>): AuctionState | null {
  let state: AuctionState | null = null;
  for (const command of commands) {
    const decision = applyCommand(state, command);
    if (!decision.changed) {
      throw new Error(`Ledger does not replay: ${command.type} at seq ${(state?.seq ?? 0) + 1} changed nothing.`);
    }
    state = decision.state;
  }
  return state;
}
