import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

type Manifest = {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
};
const manifest = (path: string) =>
  JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as Manifest;

/** Every @trpc/* range a workspace declares, as `package → range`. */
function trpcRanges(m: Manifest): Record<string, string> {
  const all = { ...m.dependencies, ...m.devDependencies };
  return Object.fromEntries(Object.entries(all).filter(([name]) => name.startsWith('@trpc/')));
}

describe('tRPC versions', () => {
  it('server and web pin one exact, identical tRPC version (client and server speak one protocol)', () => {
    const web = trpcRanges(manifest('../../package.json'));
    const server = trpcRanges(manifest('../../../server/package.json'));
    expect(Object.keys(web).sort()).toEqual([
      '@trpc/client',
      '@trpc/server',
      '@trpc/tanstack-react-query',
    ]);
    expect(Object.keys(server)).toEqual(['@trpc/server']);
    const versions = new Set([...Object.values(web), ...Object.values(server)]);
    expect(versions.size).toBe(1);
    expect([...versions][0]).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
