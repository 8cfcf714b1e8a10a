import { MIGRATIONS_0001_SCHEMA } from './assets.generated.js';

/** One numbered, forward-only migration. `{{schema}}` in its text stands for the quoted schema. */
export interface Migration {
  readonly id: number;
  readonly name: string;
  readonly sql: string;
}

/** Every migration of `migrations/`, in the order they apply. Append only: a released one is never edited. */
export const MIGRATIONS: readonly Migration[] = [{ id: 1, name: '0001_schema', sql: MIGRATIONS_0001_SCHEMA }];
