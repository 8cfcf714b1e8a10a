import type pg from 'pg';

/** The database of DATABASE_URL is missing and could not be made; the message says what to run. */
export class MissingDatabaseError extends Error {}

/** SQLSTATE of "database ... does not exist". */
const NO_SUCH_DATABASE = '3D000';

/**
 * Connects `pool` and, when its database does not exist yet, creates it through the server's
 * `postgres` database with the same credentials: `npm start` with STORE=postgres then works on a
 * fresh server. Returns the name of the database it created, or null. A failure to create it
 * says what to run instead.
 */
export async function ensureDatabase(
  pool: pg.Pool,
  pgModule: typeof pg,
  connectionString: string,
): Promise<string | null> {
  try {
    await pool.query('select 1');
    return null;
  } catch (error) {
    if ((error as { code?: string }).code !== NO_SUCH_DATABASE) throw error;
  }
  const url = new URL(connectionString);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const admin = new pgModule.Client({ connectionString: url.toString(), connectionTimeoutMillis: 3_000 });
  try {
    await admin.connect();
    await admin.query(`create database ${quoteIdentifier(name)}`);
  } catch (error) {
    // Another process may have created it meanwhile (42P04: duplicate database).
    if ((error as { code?: string }).code !== '42P04') {
      throw new MissingDatabaseError(
        `database "${name}" does not exist and could not be created (${(error as Error).message}): run  psql -c 'create database ${quoteIdentifier(name)}'  or set DATABASE_URL`,
      );
    }
  } finally {
    await admin.end().catch(() => undefined);
  }
  await pool.query('select 1');
  return name;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
