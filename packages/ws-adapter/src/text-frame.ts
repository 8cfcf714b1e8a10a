/**
 * A complete WebSocket text frame (RFC 6455, section 5.2), header included: FIN set, opcode 1, no
 * mask (servers never mask), no extension bits. Fan-out builds each message's frame once and
 * writes the same bytes to every socket, instead of letting `ws` frame it again per socket; frames
 * of one tick are concatenated so a socket gets one write, yet the client still reads one
 * WebSocket message per event. Only valid on connections without permessage-deflate (the gateway
 * turns it off).
 */
export function encodeTextFrame(text: string): Buffer {
  const length = Buffer.byteLength(text, 'utf8');
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = 0x81;
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  frame.write(text, headerLength, 'utf8');
  return frame;
}
