import { execFileSync } from 'node:child_process';
import { postgresBinFolder } from './postgres-server-process.js';

/** Why the battery cannot start its servers here, or null when it can. */
export function missingServers(): string | null {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
  } catch {
    return 'redis-server is not on the PATH';
  }
  if (postgresBinFolder() === null) return 'no PostgreSQL under /usr/lib/postgresql (set PG_BIN)';
  if (process.getuid?.() === 0) {
    try {
      execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
    } catch {
      return 'running as root, and there is no postgres user to run PostgreSQL as';
    }
  }
  return null;
}
