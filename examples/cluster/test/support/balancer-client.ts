import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import WebSocket from 'ws';

/** An answer through the balancer, with the server HAProxy says gave it. */
export interface Answer {
  readonly status: number;
  readonly server: string | null;
  readonly body: Record<string, unknown>;
}

/** One HTTP request to `base`, from `localAddress` when given (another loopback address is another client). */
export function call(
  base: string,
  method: string,
  path: string,
  options: { body?: unknown; token?: string; localAddress?: string } = {},
): Promise<Answer> {
  const url = new URL(path, base);
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
        headers: {
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
          ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: Record<string, unknown> = {};
          try {
            body = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
          } catch {
            body = { text };
          }
          const server = res.headers['x-outcry-server'];
          resolve({ status: res.statusCode ?? 0, server: typeof server === 'string' ? server : null, body });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export async function signIn(base: string, userId: string): Promise<string> {
  const answer = await call(base, 'POST', '/session', { body: { userId } });
  if (answer.status !== 201) throw new Error(`POST /session answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body.token as string;
}

export async function createAuction(base: string, token: string, title: string): Promise<string> {
  const answer = await call(base, 'POST', '/auctions', {
    token,
    body: {
      title,
      currency: 'USD',
      startingPrice: 1_000,
      increment: { type: 'fixed', amount: 1 },
      endsAt: Date.now() + 3_600_000,
    },
  });
  if (answer.status !== 201)
    throw new Error(`POST /auctions answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body.id as string;
}

/** A bid a client was answered for. */
export interface PlacedBid {
  readonly auctionId: string;
  readonly bidderId: string;
  readonly bidId: string;
  readonly status: number;
  readonly server: string | null;
  readonly seq: number | null;
  /** Attempts it took: a client sends a bid again, with the same bidId, when no outcome came back. */
  readonly attempts: number;
}

/** Answers that say nothing about the bid's outcome: sent again with the same bidId. */
const retryable = (status: number) => status === 0 || status >= 500;

/** Places a bid with its own bidId, sending it again (same bidId) while the answer tells no outcome. */
export async function placeBid(
  base: string,
  token: string,
  bidderId: string,
  auctionId: string,
  amount: number,
): Promise<PlacedBid> {
  const bidId = randomUUID();
  for (let attempts = 1; ; attempts++) {
    const answer: Answer = await call(base, 'POST', `/auctions/${auctionId}/bids`, {
      token,
      body: { amount, bidId },
    }).catch(() => ({ status: 0, server: null, body: {} }));
    if (!retryable(answer.status) || attempts >= 20) {
      const seq = answer.status === 200 ? (answer.body.seq as number) : null;
      return { auctionId, bidderId, bidId, status: answer.status, server: answer.server, seq, attempts };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every bid in an auction's history, read through the balancer. */
async function historyOf(base: string, auctionId: string): Promise<Array<{ bidId: string; bidderId: string }>> {
  const items: Array<{ bidId: string; bidderId: string; seq: number }> = [];
  for (let afterSeq = 0; ; ) {
    const answer = await call(base, 'GET', `/auctions/${auctionId}/bids?afterSeq=${afterSeq}&limit=500`);
    if (answer.status !== 200) throw new Error(`history answered ${answer.status}`);
    const page = answer.body.items as Array<{ bidId: string; bidderId: string; seq: number }>;
    items.push(...page);
    const last = page.at(-1);
    if (page.length < 500 || last === undefined) return items;
    afterSeq = last.seq;
  }
}

/**
 * Each bid answered 200 must be in its auction's history exactly once, and the histories hold
 * nothing else: returns what is wrong (empty when all is well).
 */
export async function ledgerProblems(base: string, bids: readonly PlacedBid[]): Promise<string[]> {
  const problems: string[] = [];
  const accepted = bids.filter((bid) => bid.status === 200);
  for (const auctionId of new Set(bids.map((bid) => bid.auctionId))) {
    const counts = new Map<string, number>();
    for (const entry of await historyOf(base, auctionId)) {
      const key = `${entry.bidderId}\t${entry.bidId}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const mine = accepted.filter((bid) => bid.auctionId === auctionId);
    for (const bid of mine) {
      const n = counts.get(`${bid.bidderId}\t${bid.bidId}`) ?? 0;
      if (n !== 1) problems.push(`accepted bid ${bid.bidId} is in the history of ${auctionId} ${n} times`);
    }
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    if (total !== mine.length)
      problems.push(`the history of ${auctionId} holds ${total} bids, ${mine.length} were answered accepted`);
  }
  return problems;
}

/** A WebSocket client through the balancer that keeps every frame, and the server that took its upgrade. */
async function openSocket(base: string) {
  const url = `${base.replace(/^http/, 'ws')}/ws`;
  const socket = new WebSocket(url);
  const frames: Array<Record<string, unknown>> = [];
  let server: string | null = null;
  socket.on('upgrade', (response) => {
    const header = response.headers['x-outcry-server'];
    server = typeof header === 'string' ? header : null;
  });
  socket.on('message', (data) => frames.push(JSON.parse(String(data)) as Record<string, unknown>));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const next = async (match: (frame: Record<string, unknown>) => boolean, timeoutMs = 5_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = frames.find(match);
      if (found !== undefined) return found;
      if (Date.now() > deadline)
        throw new Error(`no frame matched within ${timeoutMs} ms; got ${JSON.stringify(frames)}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  return {
    socket,
    frames,
    next,
    server: () => server,
    send: (frame: object) => socket.send(JSON.stringify(frame)),
    close: () => socket.close(),
  };
}

/** Opens sockets until one lands on a server other than `not` (HAProxy takes turns); closes the others. */
export async function openSocketAvoiding(base: string, not: string | null) {
  for (let attempt = 0; attempt < 10; attempt++) {
    const client = await openSocket(base);
    if (client.server() !== null && client.server() !== not) return client;
    client.close();
  }
  throw new Error(`every WebSocket landed on ${not}`);
}
