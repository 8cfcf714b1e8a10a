import { createServer as createHttpServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import {
  acceptFor,
  encodeMaskedFrame,
  FrameParser,
  openRawWebSocket,
  type RawWebSocket,
} from '../src/raw-ws-client.js';

/** A `ws` server on loopback that hands each connection, and its raw socket, to the test. */
async function startServer(): Promise<{
  url: string;
  accepted: Promise<{ ws: WebSocket; socket: Socket }>;
  close: () => Promise<void>;
}> {
  const http: Server = createHttpServer();
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const accepted = new Promise<{ ws: WebSocket; socket: Socket }>((resolve) =>
    http.on('upgrade', (request, socket, head) =>
      wss.handleUpgrade(request, socket, head, (ws) => resolve({ ws, socket: socket as Socket })),
    ),
  );
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/path?x=1`,
    accepted,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** Collects the client's messages (decoded) and errors; `next(n)` waits until n messages arrived. */
function collector() {
  const texts: string[] = [];
  const errors: string[] = [];
  let wake: () => void = () => undefined;
  return {
    texts,
    errors,
    onText: (payload: Buffer) => {
      texts.push(payload.toString('utf8'));
      wake();
    },
    onError: (error: Error) => {
      errors.push(error.message);
      wake();
    },
    async next(count: number): Promise<string[]> {
      while (texts.length < count) await new Promise<void>((resolve) => (wake = resolve));
      return texts.slice(0, count);
    },
  };
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function connected() {
  const server = await startServer();
  cleanups.push(server.close);
  const messages = collector();
  const client: RawWebSocket = await openRawWebSocket(server.url, {
    localAddress: '127.0.0.2',
    onText: messages.onText,
    onError: messages.onError,
  });
  cleanups.push(() => client.close(1_000));
  const { ws, socket } = await server.accepted;
  return { client, ws, socket, messages };
}

describe('raw WebSocket client against a ws server', () => {
  it('sends a masked text frame the server reads, and receives the answer', async () => {
    const { client, ws, socket, messages } = await connected();
    expect(socket.remoteAddress).toBe('127.0.0.2');
    const received = new Promise<string>((resolve) => ws.once('message', (data) => resolve(String(data))));
    client.sendText('{"type":"subscribe","auctionId":"é"}');
    // ws closes with 1002 on an unmasked client frame: this arriving proves the masking.
    expect(await received).toBe('{"type":"subscribe","auctionId":"é"}');
    ws.send('answer');
    expect(await messages.next(1)).toEqual(['answer']);
    expect(messages.errors).toEqual([]);
  });

  it('reads frames coalesced in one write, with 7-, 16- and 64-bit lengths', async () => {
    const { ws, socket, messages } = await connected();
    const medium = 'm'.repeat(1_000);
    const large = 'L'.repeat(70_000);
    socket.cork();
    for (const text of ['a', medium, 'b', large, 'c']) ws.send(text);
    socket.uncork();
    expect(await messages.next(5)).toEqual(['a', medium, 'b', large, 'c']);
    expect(messages.errors).toEqual([]);
  });

  it('joins a fragmented message, answering a ping sent between its fragments', async () => {
    const { ws, messages } = await connected();
    const pong = new Promise<string>((resolve) => ws.once('pong', (data) => resolve(String(data))));
    ws.send('frag', { fin: false });
    ws.ping('between');
    ws.send('ments', { fin: true });
    expect(await pong).toBe('between');
    expect(await messages.next(1)).toEqual(['fragments']);
  });

  it('answers a ping with a pong carrying the same payload', async () => {
    const { ws } = await connected();
    const pong = new Promise<Buffer>((resolve) => ws.once('pong', resolve));
    ws.ping(Buffer.from([1, 2, 3, 250]));
    expect([...(await pong)]).toEqual([1, 2, 3, 250]);
  });

  it('closes with a close handshake the server sees as 1000', async () => {
    const { client, ws, messages } = await connected();
    const serverSaw = new Promise<number>((resolve) => ws.once('close', resolve));
    await client.close(1_000);
    expect(await serverSaw).toBe(1_000);
    expect(client.closed).toBe(true);
    expect(messages.errors).toEqual([]);
  });

  it('reports a close the server started, and ends the socket', async () => {
    const { client, ws, messages } = await connected();
    const serverSaw = new Promise<number>((resolve) => ws.once('close', resolve));
    ws.close(4_000, 'bye');
    expect(await serverSaw).toBe(4_000);
    expect(messages.errors).toEqual(['closed by the server with code 4000']);
    while (!client.closed) await new Promise((resolve) => setTimeout(resolve, 5));
  });
});

describe('raw WebSocket handshake', () => {
  it('computes the RFC 6455 example accept value', () => {
    expect(acceptFor('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it('refuses a 101 answer with a wrong Sec-WebSocket-Accept', async () => {
    const server = createTcpServer((socket) =>
      socket.once('data', () =>
        socket.write(
          'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
            `Sec-WebSocket-Accept: ${acceptFor('not the key')}\r\n\r\n`,
        ),
      ),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const { port } = server.address() as AddressInfo;
    await expect(openRawWebSocket(`ws://127.0.0.1:${port}/`, { onText: () => undefined })).rejects.toThrow(
      'wrong Sec-WebSocket-Accept',
    );
  });
});

describe('frame parser and encoder', () => {
  /** An unmasked server frame, as the gateway builds them. */
  const serverFrame = (opcode: number, payload: string, fin = true) => {
    const body = Buffer.from(payload);
    const head =
      body.length < 126
        ? Buffer.from([(fin ? 0x80 : 0) | opcode, body.length])
        : Buffer.from([(fin ? 0x80 : 0) | opcode, 126, body.length >> 8, body.length & 0xff]);
    return Buffer.concat([head, body]);
  };

  it('parses the same frames whatever the read boundaries, the read buffer being reused', () => {
    const stream = Buffer.concat([serverFrame(1, 'one'), serverFrame(1, 'x'.repeat(300)), serverFrame(9, 'p')]);
    const expected = ['1:one', `1:${'x'.repeat(300)}`, '9:p'];
    /** Pushes each read from one scratch buffer scribbled over afterwards, as the client's shared read buffer is. */
    const parse = (reads: Buffer[]) => {
      const frames: string[] = [];
      const parser = new FrameParser(
        (_fin, opcode, payload) => frames.push(`${opcode}:${payload}`),
        (error) => frames.push(error.message),
      );
      const scratch = Buffer.alloc(stream.length);
      for (const read of reads) {
        read.copy(scratch);
        parser.push(scratch.subarray(0, read.length));
        scratch.fill(0xff);
      }
      return frames;
    };
    for (let split = 0; split <= stream.length; split++) {
      expect(parse([stream.subarray(0, split), stream.subarray(split)]), `split at ${split}`).toEqual(expected);
    }
    expect(parse([...stream].map((byte) => Buffer.from([byte])))).toEqual(expected);
  });

  it('stops at a masked server frame', () => {
    const errors: string[] = [];
    const frames: number[] = [];
    const parser = new FrameParser(
      (_fin, opcode) => frames.push(opcode),
      (error) => errors.push(error.message),
    );
    parser.push(Buffer.concat([encodeMaskedFrame(1, Buffer.from('masked')), serverFrame(1, 'after')]));
    expect(frames).toEqual([]);
    expect(errors).toEqual(['WebSocket protocol error: masked frame from the server']);
  });

  it('masks each client frame with its own key', () => {
    const payload = Buffer.from('same payload');
    const [a, b] = [encodeMaskedFrame(1, payload), encodeMaskedFrame(1, payload)];
    expect(a[0]).toBe(0x81);
    expect(a[1]).toBe(0x80 | payload.length);
    const unmask = (frame: Buffer) =>
      Buffer.from(frame.subarray(6).map((byte, i) => byte ^ (frame[2 + (i % 4)] as number)));
    expect(unmask(a)).toEqual(payload);
    expect(unmask(b)).toEqual(payload);
    expect(a.subarray(2, 6)).not.toEqual(b.subarray(2, 6));
  });
});
