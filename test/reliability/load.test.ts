// Load: the real publish bundle, many processes at once against one simulator. Every stored package is
// downloaded again and its SHA-1 compared with the bytes the attempt that published it built.

import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ProGetClient } from '@proget-ci/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionRun } from '../integration/action/runner.js';
import type { SimulatorHandle } from '../sim/index.js';
import {
  ADMIN_KEY,
  bundlesReady,
  contentDir,
  FEED,
  PUBLISH_KEY,
  run,
  type Scratch,
  scratch,
  sha1File,
  startRelSim,
} from './helpers.js';

let sim: SimulatorHandle;
let dir: Scratch;

beforeAll(async () => {
  await bundlesReady();
  dir = await scratch('load');
  sim = await startRelSim();
});

afterAll(async () => {
  await sim?.close();
  await dir?.remove();
});

interface Attempt {
  run: ActionRun;
  /** SHA-1 of the .upack this attempt built (read from its RUNNER_TEMP). */
  built: string;
}

/** One publish process with its own workspace and content; `seed` makes its bytes unique. */
async function publishAttempt(
  name: string,
  seed: string,
  ifExists = 'fail',
  key = PUBLISH_KEY,
): Promise<Attempt> {
  const ws = join(dir.path, `ws-${name}-${seed}`);
  await contentDir(ws, 'app', seed);
  const r = await run('publish', {
    workspace: ws,
    keepTemp: true,
    timeoutMs: 120_000,
    inputs: {
      server: sim.url,
      'api-key': key,
      feed: FEED,
      path: 'app',
      name,
      version: '1.0.0',
      'if-exists': ifExists,
    },
  });
  const temp = join(r.runDir, 'runner-temp');
  const buildDir = (await readdir(temp)).find((d) => d.startsWith('proget-publish-'));
  const built = buildDir === undefined ? '' : await sha1File(join(temp, buildDir, `${name}.1.0.0.upack`));
  await rm(r.runDir, { recursive: true, force: true });
  return { run: r, built };
}

async function downloadedSha1(name: string): Promise<string> {
  const c = new ProGetClient({ url: sim.url, apiKey: ADMIN_KEY });
  const out = join(dir.path, `${name}.download.upack`);
  const result = await c.universal.download(FEED, { name, version: '1.0.0' }, out, { hashes: ['sha1'] });
  const onDisk = await sha1File(out);
  expect(onDisk).toBe(result.sha1);
  await rm(out);
  return onDisk;
}

describe('parallel publishes', () => {
  it('20 parallel publishes of different packages all land intact', { timeout: 150_000 }, async () => {
    const names = Array.from({ length: 20 }, (_, i) => `load-${String(i).padStart(2, '0')}`);
    const attempts = await Promise.all(names.map((n) => publishAttempt(n, `seed-${n}`)));
    for (const [i, a] of attempts.entries()) {
      expect(a.run.errors, names[i]).toEqual([]);
      expect(a.run.exitCode, names[i]).toBe(0);
      expect(a.built, names[i]).toMatch(/^[0-9a-f]{40}$/);
      expect(a.run.outputs.sha1).toBe(a.built);
      expect(a.run.outputs.skipped).toBe('false');
    }
    // Twenty different packages were built: a mix-up between processes would show as a shared hash.
    expect(new Set(attempts.map((a) => a.built)).size).toBe(20);
    const c = new ProGetClient({ url: sim.url, apiKey: ADMIN_KEY });
    const listed = (await c.universal.listPackages(FEED))
      .map((p) => p.name)
      .filter((n) => n.startsWith('load-'));
    expect(listed.sort()).toEqual(names);
    for (const [i, name] of names.entries()) {
      expect(await downloadedSha1(name), name).toBe(attempts[i]!.built);
    }
    expect(sim.requests().filter((q) => q.method === 'PUT' && q.status === 201)).toHaveLength(20);
  });

  it(
    '5 parallel publishes of one version with if-exists: fail: one wins, four fail with "already exists"',
    { timeout: 120_000 },
    async () => {
      const seeds = ['a', 'b', 'c', 'd', 'e'];
      const attempts = await Promise.all(seeds.map((s) => publishAttempt('contended', `contender-${s}`)));
      const winners = attempts.filter((a) => a.run.exitCode === 0);
      const losers = attempts.filter((a) => a.run.exitCode !== 0);
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(4);
      for (const l of losers) {
        expect(l.run.exitCode).toBe(1);
        expect(l.run.errors).toHaveLength(1);
        // Either the step saw the version before uploading (its own wording), or, having raced past that
        // check, the server refused to replace it: core's one "version exists" error.
        expect(l.run.errors[0]).toMatch(
          /^(contended 1\.0\.0 already exists in rel-feed; set if-exists: skip or overwrite \(or publish a new version\)|Could not upload contended 1\.0\.0 to feed "rel-feed": version exists; the key lacks Overwrite \(PUT \S+ → 403\)\nServer said: Package contended 1\.0\.0 already exists in feed rel-feed, and replacing it requires the Feeds_OverwritePackage privilege\.\n)/,
        );
      }
      // Every attempt that got as far as building made different bytes (one that saw the version already
      // there stopped before building); the stored package is byte-identical to the winner's.
      const built = attempts.map((a) => a.built).filter((b) => b !== '');
      expect(new Set(built).size).toBe(built.length);
      for (const a of attempts.filter((x) => x.built === '')) {
        expect(a.run.errors[0]).toMatch(/^contended 1\.0\.0 already exists in rel-feed;/);
      }
      const stored = await downloadedSha1('contended');
      expect(stored).toBe(winners[0]!.built);
      expect(winners[0]!.run.outputs.sha1).toBe(stored);
      expect(attempts.map((a) => a.built)).toContain(stored);
    },
  );

  it(
    'with a key that may overwrite, if-exists: fail cannot stop the race; verification keeps the outcome honest',
    { timeout: 120_000 },
    async () => {
      // ProGet has no create-only upload: every racer passed the existence check and the server accepted
      // each upload as a replacement. What the step still guarantees: a run that reports success had its
      // own bytes verified on the server, and the stored package is one that a successful run built.
      const attempts = await Promise.all(
        ['a', 'b', 'c', 'd', 'e'].map((s) => publishAttempt('overwritten', `racer-${s}`, 'fail', ADMIN_KEY)),
      );
      const winners = attempts.filter((a) => a.run.exitCode === 0);
      expect(winners.length).toBeGreaterThanOrEqual(1);
      for (const a of attempts.filter((x) => x.run.exitCode !== 0)) {
        expect(a.run.errors[0]).toMatch(
          /^(overwritten 1\.0\.0 already exists in rel-feed; set if-exists|Verification failed: rel-feed has overwritten 1\.0\.0 with SHA-1 [0-9a-f]{40}, but the uploaded file has SHA-1 [0-9a-f]{40}\. Another upload may have replaced it)/,
        );
      }
      const stored = await downloadedSha1('overwritten');
      expect(winners.map((w) => w.built)).toContain(stored);
      for (const w of winners) expect(w.run.outputs.sha1).toBe(w.built);
    },
  );
});
