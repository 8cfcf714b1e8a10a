import { type QueuedCommand, type QueueItem, queueItemJson, queueItemOf } from '@outcry/core/adapter-kit';

/** A stream entry as XREADGROUP and XAUTOCLAIM give it: its fields are null once deleted. */
export type StreamEntry = [id: string, fields: string[] | null];

/**
 * The queue item in an entry's payload; null when it is not one (written by another program). A
 * stored item keeps its `fresh` in the payload, and the bidId of a fresh bid is not looked up.
 */
function parseItem(payload: string): QueueItem | null {
  try {
    return queueItemOf(JSON.parse(payload));
  } catch {
    return null;
  }
}

/**
 * Commands of the entries, and the ids of entries to acknowledge unjudged: deleted while pending
 * (they come back without fields) or unreadable, which would otherwise be delivered again forever.
 * `fresh` is handed back on an entry's first delivery only: one delivered before may have been
 * committed by a consumer that died before acknowledging it.
 */
export function parseEntries(
  entries: readonly StreamEntry[],
  firstDelivery: boolean,
): {
  commands: QueuedCommand[];
  deleted: string[];
  unreadable: number;
} {
  const commands: QueuedCommand[] = [];
  const deleted: string[] = [];
  let unreadable = 0;
  for (const [id, fields] of entries) {
    const payload = fields === null ? undefined : fields[fields.indexOf('c') + 1];
    const item = payload === undefined ? null : parseItem(payload);
    if (item === null) {
      if (payload !== undefined) unreadable++;
      deleted.push(id);
      continue;
    }
    commands.push(
      firstDelivery && item.fresh === true
        ? { command: item.command, origin: item.origin, commandId: item.commandId, fresh: true, id }
        : { command: item.command, origin: item.origin, commandId: item.commandId, id },
    );
  }
  return { commands, deleted, unreadable };
}

/** Appends the enqueue script's two arguments per item: a bid's bidId ('' when none is looked up) and its payload. */
export function pushItemArgs(items: readonly QueueItem[], args: string[], keepFresh: boolean): void {
  for (const item of items) {
    const command = item.command;
    const isBid = command.type === 'bid' || command.type === 'buy-now';
    // A minted bidId has no past: without a b field, read-batch does not look it up.
    const fresh = keepFresh && isBid && item.fresh === true;
    args.push(isBid && !fresh ? command.bidId : '', queueItemJson(item, fresh));
  }
}
