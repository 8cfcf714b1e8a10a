// `node --import ./src/register-sql-text.mjs`: see sql-text-hooks.mjs.
import { register } from 'node:module';

register('./sql-text-hooks.mjs', import.meta.url);
