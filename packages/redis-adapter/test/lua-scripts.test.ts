import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { commandName, SCRIPT_FILES, scriptSource } from '../src/lua-scripts.js';
import { ADAPTER_VERSION } from '../src/version.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

describe('Lua scripts', () => {
  it('runs every .lua file of src/lua as it is, each with a header naming its KEYS, ARGV and result', () => {
    const files = readdirSync(join(root, 'src', 'lua'))
      .filter((file) => file.endsWith('.lua'))
      .map((file) => file.slice(0, -4))
      .sort();
    expect([...SCRIPT_FILES].sort()).toEqual(files);
    for (const script of SCRIPT_FILES) {
      expect(scriptSource(script), script).toBe(readFileSync(join(root, 'src', 'lua', `${script}.lua`), 'utf8'));
      const header = /^--\[\[([\s\S]*?)\]\]/.exec(scriptSource(script))?.[1] ?? '';
      expect(header, script).toMatch(/KEYS\[1/);
      expect(header, script).toMatch(/ARGV\[1/);
      expect(header, script).toMatch(/Result:/);
    }
  });

  it('names each command after the package version', () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(ADAPTER_VERSION).toBe(version);
    expect(commandName('commit')).toBe(`outcry_commit_${version.replace(/\W/g, '_')}`);
  });
});
