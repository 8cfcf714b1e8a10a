import { connect } from 'node:net';
import { servicesRequired } from './database.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Whether Redis answers an inline PING, without a driver (so a dead Redis cannot hang the probe). */
function redisAnswers(): Promise<boolean> {
  const url = new URL(REDIS_URL);
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port: Number(url.port || 6379) });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(2_000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(data[0] === 0x2b || data[0] === 0x2d));
  });
}

/** True when Redis answers; under CI/REQUIRE_SERVICES a Redis that does not is a failure, else a warned skip. */
export async function redisUp(what: string): Promise<boolean> {
  const up = await redisAnswers();
  if (!up && servicesRequired)
    throw new Error(`Redis at ${REDIS_URL} does not answer, and CI/REQUIRE_SERVICES requires it.`);
  if (!up) console.warn(`[postgres-adapter] SKIPPING ${what}: Redis at ${REDIS_URL} does not answer.`);
  return up;
}
