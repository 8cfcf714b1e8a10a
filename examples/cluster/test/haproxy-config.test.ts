import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LUA_PARTITION_OF } from '../src/assets.generated.js';
import { hasHaproxy } from '../src/balancer.js';
import { haproxyConfig, ownerBackend, type ServerSlot } from '../src/haproxy-config.js';

const slots: ServerSlot[] = [
  { name: 's1', host: '127.0.0.1', port: 9001, enabled: true },
  { name: 's2', host: '127.0.0.1', port: 9002, enabled: false },
];

describe('the HAProxy configuration', () => {
  it('without owner routes, sends every request round robin', () => {
    const config = haproxyConfig({
      bind: { host: '127.0.0.1', port: 8080 },
      socket: '/tmp/x.sock',
      slots,
      ownerRoutes: null,
    });
    expect(config).not.toContain('lua-load');
    expect(config).not.toContain('use_backend');
    expect(config).toContain('balance roundrobin');
  });

  it.skipIf(!hasHaproxy())(
    'with owner routes, is accepted by haproxy -c: a backend per slot, its twins as backups',
    () => {
      const folder = mkdtempSync(join(tmpdir(), 'outcry-haproxy-config-'));
      try {
        const ownerRoutes = {
          luaFile: join(folder, 'partition-of.lua'),
          mapFile: join(folder, 'owners.map'),
          partitions: 16,
        };
        writeFileSync(ownerRoutes.luaFile, LUA_PARTITION_OF);
        writeFileSync(ownerRoutes.mapFile, '3 owner-s2\n');
        const config = haproxyConfig({
          bind: { host: '127.0.0.1', port: 8080 },
          socket: join(folder, 'a.sock'),
          slots,
          ownerRoutes,
        });
        expect(config).toContain(`lua.outcry_partition(16),map(${ownerRoutes.mapFile})`);
        expect(config).toContain(`backend ${ownerBackend('s2')}\n`);
        expect(config).toMatch(
          /backend owner-s2\n(.*\n)* {2}server s2 127\.0\.0\.1:9002 track servers\/s2\n {2}server s1 127\.0\.0\.1:9001 track servers\/s1 backup/,
        );
        writeFileSync(join(folder, 'haproxy.cfg'), config);
        const check = spawnSync('haproxy', ['-c', '-f', join(folder, 'haproxy.cfg')], { encoding: 'utf8' });
        expect(check.status, check.stderr).toBe(0);
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    },
  );
});
