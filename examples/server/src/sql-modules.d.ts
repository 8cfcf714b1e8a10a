/**
 * @outcry/postgres-adapter's source imports its migrations as `.sql` text (tsup's text loader in
 * its build; vitest.config.ts and src/sql-text-hooks.mjs here). Its declaration is not part of
 * this program when the source is type-checked through the "@outcry/source" condition, hence this one.
 */
declare module '*.sql' {
  const text: string;
  export default text;
}
