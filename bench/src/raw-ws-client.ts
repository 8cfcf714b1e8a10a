/**
 * A minimal WebSocket client (RFC 6455) on a raw `node:net` socket, for the fan-out bench's
 * subscribers: handshake, masked client frames, incremental parsing of server frames, text
 * messages handed over as bytes, ping answered with pong, close. No extensions, no UTF-8
 * validation, no binary messages: just enough to be a correct and very cheap watcher, so that
 * the bench's shared cores measure the server rather than its clients.
 */
import { createHash, randomBytes, randomFillSync } from 'node:crypto';
import { connect, type Socket } from 'node:net';

// RFC 6455, section 1.3 (checked against its example in the test).
const ACCEPT_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OPCODE = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;
/** Larger frames or messages are refused: nothing the bench receives comes near it. */
const MAX_PAYLOAD = 64 * 1_024 * 1_024;
const MAX_RESPONSE_HEAD = 16 * 1_024;
const HEAD_END = Buffer.from('\r\n\r\n');
/**
 * Every socket of the process reads into this one buffer (`onread`): no buffer allocated and no
 * stream machinery per read, and reads are most of a subscriber's work. Reads are handled
 * synchronously, one at a time, so sharing it is safe; what must outlive a read is copied.
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1_024);

export interface RawWebSocketOptions {
  /** Source address of the TCP connection (several loopback addresses: more ephemeral ports). */
  readonly localAddress?: string;
  /**
   * One complete text message, as its UTF-8 bytes (not decoded). Usually a view into the shared
   * read buffer: read it during the call, copy it to keep it.
   */
  readonly onText: (payload: Buffer) => void;
  /** A protocol violation, a socket error or a close the client did not ask for; the socket goes on or ends by itself. */
  readonly onError?: (error: Error) => void;
}

/** The value a server must answer in `Sec-WebSocket-Accept` for this `Sec-WebSocket-Key`. */
export function acceptFor(key: string): string {
  return createHash('sha1')
    .update(key + ACCEPT_GUID)
    .digest('base64');
}

/** A complete client frame: FIN set, masked with a fresh random key as every client frame must be. */
export function encodeMaskedFrame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + 4 + length);
  frame[0] = 0x80 | opcode;
  if (length < 126) {
    frame[1] = 0x80 | length;
  } else if (length < 65_536) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  randomFillSync(frame, headerLength, 4);
  const payloadAt = headerLength + 4;
  for (let i = 0; i < length; i++)
    frame[payloadAt + i] = (payload[i] as number) ^ (frame[headerLength + (i & 3)] as number);
  return frame;
}

/**
 * Splits a server's byte stream into frames, whatever the reads' boundaries: several frames in
 * one read are parsed in place, a frame split over reads waits until all of it arrived (the
 * pieces are joined once, not on every read). The bytes pushed may be reused once `push`
 * returns: what is kept is copied. Payloads are views, valid during the `onFrame` call.
 */
export class FrameParser {
  #pieces: Buffer[] = [];
  #buffered = 0;
  /** Bytes needed before the next frame can be parsed (its header, then header and payload). */
  #needed = 2;
  #failed = false;
  readonly #onFrame: (fin: boolean, opcode: number, payload: Buffer) => void;
  readonly #onProtocolError: (error: Error) => void;

  constructor(
    onFrame: (fin: boolean, opcode: number, payload: Buffer) => void,
    onProtocolError: (error: Error) => void,
  ) {
    this.#onFrame = onFrame;
    this.#onProtocolError = onProtocolError;
  }

  push(chunk: Buffer): void {
    if (this.#failed) return;
    if (this.#buffered === 0) {
      this.#parse(chunk);
      return;
    }
    this.#pieces.push(Buffer.from(chunk));
    this.#buffered += chunk.length;
    if (this.#buffered < this.#needed) return;
    const joined = Buffer.concat(this.#pieces, this.#buffered);
    this.#pieces = [];
    this.#buffered = 0;
    this.#parse(joined);
  }

  #parse(data: Buffer): void {
    let offset = 0;
    while (offset < data.length && !this.#failed) {
      const end = this.#parseFrame(data, offset);
      if (end === -1) break;
      offset = end;
    }
    if (offset < data.length && !this.#failed) {
      this.#pieces.push(Buffer.from(data.subarray(offset)));
      this.#buffered = data.length - offset;
    }
  }

  /** Hand over the frame at `offset` and return where it ends; -1 (and `#needed` set) when it is incomplete. */
  #parseFrame(data: Buffer, offset: number): number {
    const available = data.length - offset;
    this.#needed = 2;
    if (available < 2) return -1;
    const first = data[offset] as number;
    const second = data[offset + 1] as number;
    const opcode = first & 0x0f;
    const shortLength = second & 0x7f;
    if ((first & 0x70) !== 0) return this.#fail('reserved bits set (no extension was negotiated)');
    if ((second & 0x80) !== 0) return this.#fail('masked frame from the server');
    if (opcode >= 0x8 && ((first & 0x80) === 0 || shortLength > 125))
      return this.#fail('fragmented or long control frame');
    const headerLength = shortLength < 126 ? 2 : shortLength === 126 ? 4 : 10;
    this.#needed = headerLength;
    if (available < headerLength) return -1;
    const length = payloadLength(data, offset, shortLength);
    if (length > MAX_PAYLOAD) return this.#fail(`frame of ${length} bytes`);
    this.#needed = headerLength + length;
    if (available < this.#needed) return -1;
    const start = offset + headerLength;
    this.#needed = 2;
    this.#onFrame((first & 0x80) !== 0, opcode, data.subarray(start, start + length));
    return start + length;
  }

  #fail(reason: string): -1 {
    this.#failed = true;
    this.#pieces = [];
    this.#buffered = 0;
    this.#onProtocolError(new Error(`WebSocket protocol error: ${reason}`));
    return -1;
  }
}

function payloadLength(data: Buffer, offset: number, shortLength: number): number {
  if (shortLength < 126) return shortLength;
  if (shortLength === 126) return data.readUInt16BE(offset + 2);
  // A high word other than 0 is over MAX_PAYLOAD anyway: the product need not be exact beyond it.
  return data.readUInt32BE(offset + 2) * 2 ** 32 + data.readUInt32BE(offset + 6);
}

/** An open client connection: send text, receive text through `onText`, close. */
export class RawWebSocket {
  readonly #socket: Socket;
  readonly #options: RawWebSocketOptions;
  readonly #parser: FrameParser;
  /** Fragments of a message in progress, and its opcode; empty when none is. */
  #fragments: Buffer[] = [];
  #fragmentsBytes = 0;
  #fragmentsOpcode = -1;
  #closeSent = false;
  /** Set on the server's close or a protocol error: frames after it are ignored. */
  #finished = false;
  #closed = false;

  constructor(socket: Socket, options: RawWebSocketOptions, reads: Reads, firstBytes: Buffer) {
    this.#socket = socket;
    this.#options = options;
    this.#parser = new FrameParser(
      (fin, opcode, payload) => this.#onFrame(fin, opcode, payload),
      (error) => this.#failConnection(error),
    );
    reads.onBytes = (bytes) => this.#parser.push(bytes);
    socket.on('error', (error) => this.#report(error));
    socket.on('close', () => {
      this.#closed = true;
    });
    if (firstBytes.length > 0) this.#parser.push(firstBytes);
  }

  get closed(): boolean {
    return this.#closed;
  }

  sendText(text: string): void {
    if (!this.#closeSent) this.#write(OPCODE.text, Buffer.from(text));
  }

  /** Close handshake: send a close frame, wait for the server to end the connection, destroy it after `timeoutMs`. */
  close(timeoutMs = 5_000): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.#socket.destroy(), timeoutMs);
      this.#socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.#sendClose(1_000);
    });
  }

  #onFrame(fin: boolean, opcode: number, payload: Buffer): void {
    if (this.#finished) return;
    if (opcode === OPCODE.text || opcode === OPCODE.binary || opcode === OPCODE.continuation) {
      this.#onDataFrame(fin, opcode, payload);
    } else if (opcode === OPCODE.ping) {
      if (!this.#closeSent) this.#write(OPCODE.pong, payload);
    } else if (opcode === OPCODE.close) {
      this.#onClose(payload);
    } else if (opcode !== OPCODE.pong) {
      this.#failConnection(new Error(`WebSocket protocol error: unknown opcode ${opcode}`));
    }
  }

  #onDataFrame(fin: boolean, opcode: number, payload: Buffer): void {
    const continues = opcode === OPCODE.continuation;
    if (continues !== (this.#fragmentsOpcode !== -1)) {
      const what = continues ? 'continuation without a message' : 'new message inside a fragmented one';
      this.#failConnection(new Error(`WebSocket protocol error: ${what}`));
      return;
    }
    if (fin && !continues) {
      this.#deliver(opcode, payload);
      return;
    }
    this.#fragments.push(Buffer.from(payload));
    this.#fragmentsBytes += payload.length;
    if (!continues) this.#fragmentsOpcode = opcode;
    if (this.#fragmentsBytes > MAX_PAYLOAD) {
      this.#failConnection(new Error(`WebSocket protocol error: message of ${this.#fragmentsBytes} bytes or more`));
      return;
    }
    if (!fin) return;
    const message = Buffer.concat(this.#fragments, this.#fragmentsBytes);
    const messageOpcode = this.#fragmentsOpcode;
    this.#fragments = [];
    this.#fragmentsBytes = 0;
    this.#fragmentsOpcode = -1;
    this.#deliver(messageOpcode, message);
  }

  #deliver(opcode: number, payload: Buffer): void {
    if (opcode === OPCODE.text) this.#options.onText(payload);
    else this.#report(new Error(`unexpected binary message of ${payload.length} bytes`));
  }

  /** The server's close: answer it (unless this side started) and end; one the client did not ask for is reported. */
  #onClose(payload: Buffer): void {
    const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1_005;
    this.#finished = true;
    if (!this.#closeSent) {
      this.#report(new Error(`closed by the server with code ${code}`));
      this.#sendClose(code === 1_005 ? 1_000 : code);
    }
    this.#socket.end();
  }

  #sendClose(code: number): void {
    if (this.#closeSent) return;
    this.#closeSent = true;
    const payload = Buffer.allocUnsafe(2);
    payload.writeUInt16BE(code, 0);
    this.#write(OPCODE.close, payload);
  }

  /** Writes only while the socket takes them: a write after its end or destruction would be an error. */
  #write(opcode: number, payload: Buffer): void {
    if (this.#socket.writable) this.#socket.write(encodeMaskedFrame(opcode, payload));
  }

  #failConnection(error: Error): void {
    this.#finished = true;
    this.#report(error);
    this.#socket.destroy();
  }

  /** Errors once this side is closing (a reset after the close frame) are part of closing. */
  #report(error: Error): void {
    if (!this.#closeSent) this.#options.onError?.(error);
  }
}

/** Open `ws://host:port/path?query`: resolves once the server accepted the upgrade. */
export function openRawWebSocket(url: string, options: RawWebSocketOptions): Promise<RawWebSocket> {
  const target = new URL(url);
  if (target.protocol !== 'ws:') return Promise.reject(new Error(`only ws:// URLs are supported, not ${url}`));
  const key = randomBytes(16).toString('base64');
  const reads: Reads = { onBytes: () => undefined };
  const socket = connect({
    host: target.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: target.port === '' ? 80 : Number(target.port),
    ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
    onread: {
      buffer: READ_BUFFER,
      callback: (length, buffer) => {
        reads.onBytes((buffer as Buffer).subarray(0, length));
        return true;
      },
    },
  });
  socket.setNoDelay(true);
  socket.write(
    `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  return readHandshake(socket, key, reads, (rest) => new RawWebSocket(socket, options, reads, rest));
}

/** Where a socket's reads go: the handshake reader first, then the frame parser. */
interface Reads {
  onBytes: (bytes: Buffer) => void;
}

/**
 * Read the server's answer to the upgrade, then hand the socket over in the same callback (no byte
 * or error can arrive without a listener) with the bytes after the answer (frames sent at once).
 */
function readHandshake(
  socket: Socket,
  key: string,
  reads: Reads,
  open: (rest: Buffer) => RawWebSocket,
): Promise<RawWebSocket> {
  return new Promise((resolve, reject) => {
    let head: Buffer = Buffer.alloc(0);
    const fail = (error: Error) => {
      cleanUp();
      socket.destroy();
      reject(error);
    };
    const onClose = () => fail(new Error('connection closed during the WebSocket handshake'));
    reads.onBytes = (chunk) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf(HEAD_END);
      if (end === -1) {
        if (head.length > MAX_RESPONSE_HEAD) fail(new Error('WebSocket handshake answer too long'));
        return;
      }
      const problem = handshakeProblem(head.toString('latin1', 0, end), key);
      if (problem !== null) {
        fail(new Error(`WebSocket handshake refused: ${problem}`));
        return;
      }
      cleanUp();
      resolve(open(head.subarray(end + HEAD_END.length)));
    };
    const cleanUp = () => {
      reads.onBytes = () => undefined;
      socket.off('error', fail);
      socket.off('close', onClose);
    };
    socket.on('error', fail);
    socket.on('close', onClose);
  });
}

/** What is wrong with the answer's head (status line and headers), or null when it accepts the upgrade. */
function handshakeProblem(head: string, key: string): string | null {
  const [statusLine = '', ...lines] = head.split('\r\n');
  if (!/^HTTP\/1\.1 101 /.test(`${statusLine} `)) return `status line "${statusLine}"`;
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  if (headers.get('upgrade')?.toLowerCase() !== 'websocket') return 'no "Upgrade: websocket"';
  if (!/(^|,)\s*upgrade\s*(,|$)/i.test(headers.get('connection') ?? '')) return 'no "Connection: Upgrade"';
  if (headers.get('sec-websocket-accept') !== acceptFor(key)) return 'wrong Sec-WebSocket-Accept';
  if (headers.has('sec-websocket-extensions')) return 'an extension the client did not offer';
  return null;
}
