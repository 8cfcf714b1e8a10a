import type { FastifyServerOptions } from 'fastify';
import type { ServerConfig } from './config.js';

/**
 * The logger of `npm start`: readable lines on a terminal (pino-pretty, in pino's worker thread),
 * JSON lines for a log collector otherwise.
 */
export function startLogger(config: ServerConfig, terminal: boolean): FastifyServerOptions['logger'] {
  if (config.logLevel === 'silent') return false;
  if (!terminal) return { level: config.logLevel };
  return {
    level: config.logLevel,
    transport: {
      target: 'pino-pretty',
      options: { translateTime: 'HH:MM:ss', ignore: 'pid,hostname', singleLine: true },
    },
  };
}

/** Why `listen` failed, in words a person acts on; null for errors without a known remedy. */
export function listenFailure(error: unknown, config: Pick<ServerConfig, 'host' | 'port'>): string | null {
  switch ((error as { code?: string }).code) {
    case 'EADDRINUSE':
      return `port ${config.port} is taken (another server listens on ${config.host}:${config.port}): set PORT, e.g. PORT=${config.port + 1} npm start`;
    case 'EACCES':
      return `port ${config.port} needs privileges this process lacks: set PORT to 1024 or above`;
    case 'EADDRNOTAVAIL':
      return `${config.host} is not an address of this machine: set HOST (127.0.0.1, or 0.0.0.0 for every interface)`;
    default:
      return null;
  }
}
