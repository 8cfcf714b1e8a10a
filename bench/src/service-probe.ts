import { connect } from 'node:net';

/** The services a suite may need; each is reached by the URL in its environment variable. */
export type Service = 'redis' | 'postgres';

export const SERVICE_URLS: Record<Service, string> = {
  redis: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  postgres: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
};

const DEFAULT_PORTS: Record<Service, number> = { redis: 6379, postgres: 5432 };

/**
 * The first bytes each service answers to, without a driver: Redis replies to an inline PING
 * with a RESP line ("+PONG", or "-NOAUTH" when a password is needed: it answers all the same);
 * PostgreSQL replies to an SSLRequest with the single byte 'S' or 'N'.
 */
const HELLO: Record<Service, { send: Buffer; answers: (reply: Buffer) => boolean }> = {
  redis: { send: Buffer.from('PING\r\n'), answers: (reply) => reply[0] === 0x2b || reply[0] === 0x2d },
  postgres: {
    send: Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]),
    answers: (reply) => reply[0] === 0x53 || reply[0] === 0x4e,
  },
};

/** Whether the service at its URL answers within `timeoutMs`; never throws. */
export function probeService(service: Service, timeoutMs = 1_000): Promise<boolean> {
  let url: URL;
  try {
    url = new URL(SERVICE_URLS[service]);
  } catch {
    return Promise.resolve(false);
  }
  const host = url.hostname === '' ? '127.0.0.1' : url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port === '' ? DEFAULT_PORTS[service] : Number(url.port);
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const finish = (answered: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answered);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.once('connect', () => socket.write(HELLO[service].send));
    socket.once('data', (reply: Buffer) => finish(HELLO[service].answers(reply)));
    socket.once('error', () => finish(false));
    socket.once('close', () => finish(false));
  });
}
