// Running the package from source outside vitest (tsx, node): `node --import tsx --import ./loader/register-sql-text.mjs --conditions=@outcry/source file.ts`.
// The built package needs none of this: tsup bundles the .sql files as text.
import { register } from 'node:module';

register('./sql-text-hooks.mjs', import.meta.url);
