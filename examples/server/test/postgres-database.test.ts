import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureDatabase, MissingDatabaseError } from '../src/postgres-database.js';
import { DATABASE_URL, usableStores } from './support/services.js';

const stores = await usableStores();

describe.skipIf(!stores.includes('postgres'))('the server on a PostgreSQL without its database', () => {
  const name = `outcry_created_${randomBytes(4).toString('hex')}`;
  const url = new URL(DATABASE_URL);
  url.pathname = `/${name}`;
  const admin = () => {
    const admin = new URL(DATABASE_URL);
    admin.pathname = '/postgres';
    return new pg.Client({ connectionString: admin.toString() });
  };
  afterAll(async () => {
    const client = admin();
    await client.connect();
    await client.query(`drop database if exists "${name}"`);
    await client.end();
  });

  it('creates the database of DATABASE_URL once, then finds it', async () => {
    const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
    try {
      expect(await ensureDatabase(pool, pg, url.toString())).toBe(name);
      expect((await pool.query('select current_database() as db')).rows[0].db).toBe(name);
      expect(await ensureDatabase(pool, pg, url.toString())).toBeNull();
    } finally {
      await pool.end();
    }
  });

  it('says what to run when the database is missing and the role may not create it', async () => {
    const role = `outcry_nocreate_${randomBytes(3).toString('hex')}`;
    const client = admin();
    await client.connect();
    await client.query(`create role ${role} login nocreatedb`);
    const asRole = new URL(url);
    asRole.pathname = `/${name}_x`;
    asRole.username = role;
    const pool = new pg.Pool({ connectionString: asRole.toString(), max: 1 });
    try {
      const failure = await ensureDatabase(pool, pg, asRole.toString()).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(MissingDatabaseError);
      expect((failure as Error).message).toContain(`database "${name}_x" does not exist`);
      expect((failure as Error).message).toContain(`psql -c 'create database "${name}_x"'`);
    } finally {
      await pool.end();
      await client.query(`drop role ${role}`);
      await client.end();
    }
  });
});
