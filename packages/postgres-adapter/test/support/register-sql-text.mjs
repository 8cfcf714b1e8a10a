// `node --import tsx --import ./test/support/register-sql-text.mjs --conditions=source child.ts`
import { register } from 'node:module';

register('./sql-text-hooks.mjs', import.meta.url);
