import { execFileSync, spawnSync } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const actionDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const script = join(actionDir, 'scripts', 'check-dist.mjs');
let fresh: string;
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'check-dist-test-'));
  fresh = join(work, 'fresh');
  execFileSync(process.execPath, [join(actionDir, 'build.mjs'), fresh]);
}, 120_000);
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

function check(dist: string) {
  const r = spawnSync(process.execPath, [script, dist], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('check-dist', () => {
  it('passes for what the sources build to (the build is deterministic)', () => {
    const r = check(fresh);
    expect(r.out).toContain('action/dist is up to date (6 files)');
    expect(r.status).toBe(0);
  }, 120_000);

  it('fails for a changed, missing or extra file, saying what to do', async () => {
    const stale = join(work, 'stale');
    await cp(fresh, stale, { recursive: true });
    await writeFile(join(stale, 'publish.js'), '// edited by hand\n', { flag: 'a' });
    await rm(join(stale, 'deploy-record.js'));
    await writeFile(join(stale, 'old.js'), '');
    const r = check(stale);
    expect(r.status).toBe(1);
    expect(r.out).toContain('action/dist is stale: run pnpm build and commit');
    expect(r.out).toContain('  - missing: dist/deploy-record.js');
    expect(r.out).toContain('  - differs: dist/publish.js');
    expect(r.out).toContain('  - not built by the sources: dist/old.js');
  }, 120_000);
});
