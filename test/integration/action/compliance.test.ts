// Issue 13: promote-check `compliance: true` through the real bundle, against the simulator's SCA data
// (a compliant, a warn, a noncompliant and a blocked version, all promoted), and servers without the API.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildPackage, ProGetClient } from '@proget-ci/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../../sim/index.js';
import { expectNoStackTrace, expectSecretsKept } from './expectations.js';
import { ensureBundles, runAction } from './runner.js';

let sim: SimulatorHandle;
const KEY = 'demo-view-key';
const purl = (name: string, version = '1.0.0') => `pkg:upack/acme/${name}@${version}`;
const PACKAGES = ['good', 'meh', 'bad', 'evil'];

beforeAll(async () => {
  ensureBundles();
  sim = await startSimulator({
    seed: 'demo',
    edition: 'Enterprise',
    sca: {
      packages: {
        [purl('good')]: { licenses: ['MIT'] },
        [purl('meh')]: { licenses: ['LGPL-2.1-only'] },
        [purl('bad')]: { licenses: ['MIT'] },
        [purl('bad', '1.0.1')]: { licenses: ['MIT'] },
        [purl('evil')]: { licenses: ['MIT'], malicious: true },
      },
      vulnerabilities: [
        {
          id: 'PGV-9000001',
          summary: 'Remote code execution in bad',
          details: 'Everything before 2.0.0.',
          severity: 'Critical',
          numericCvss: 9.8,
          published: '2026-01-01T00:00:00Z',
          affects: [purl('bad'), purl('bad', '1.0.1')],
        },
      ],
    },
  });
  const admin = new ProGetClient({ url: sim.url, apiKey: 'demo-admin-key' });
  for (const name of PACKAGES) {
    const dir = join(sim.dataDir, `src-${name}`);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'f.txt'), name);
    const built = await buildPackage({
      sourceDir: dir,
      manifest: { group: 'acme', name, version: '1.0.0' },
      outFile: join(sim.dataDir, `${name}.upack`),
    });
    await admin.universal.upload('dev-feed', built.path);
    await admin.promotions.promote({
      group: 'acme',
      name,
      version: '1.0.0',
      fromFeed: 'dev-feed',
      toFeed: 'approved-feed',
    });
  }
});
afterAll(async () => {
  await sim?.close();
});

function check(url: string, inputs: Record<string, string>) {
  return runAction('promote-check', {
    inputs: {
      server: url,
      'api-key': KEY,
      'from-feed': 'dev-feed',
      'to-feed': 'approved-feed',
      compliance: 'true',
      ...inputs,
    },
  });
}

describe('promote-check compliance', () => {
  it('shows every verdict, and fails on the noncompliant and the blocked version', async () => {
    const run = await check(sim.url, { packages: PACKAGES.map((n) => `acme/${n}@1.0.0`).join('\n') });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.promoted).toBe('true');
    expect(JSON.parse(run.outputs.noncompliant!)).toEqual([
      { group: 'acme', name: 'bad', version: '1.0.0' },
      { group: 'acme', name: 'evil', version: '1.0.0' },
    ]);
    const results = JSON.parse(run.outputs.results!) as { name: string; compliance: { verdict: string } }[];
    expect(Object.fromEntries(results.map((r) => [r.name, r.compliance.verdict]))).toEqual({
      good: 'compliant',
      meh: 'warn',
      bad: 'noncompliant',
      evil: 'blocked',
    });
    expect(results.find((r) => r.name === 'bad')!.compliance).toMatchObject({
      feed: 'approved-feed',
      vulnerabilities: [{ id: 'PGV-9000001', severity: 'critical', score: 9.8 }],
      licenses: ['MIT'],
    });
    expect(run.errors).toEqual([
      expect.stringMatching(
        /^acme\/bad 1\.0\.0 in approved-feed is noncompliant \(.*PGV-9000001 \(critical\)/,
      ),
      expect.stringMatching(/^acme\/evil 1\.0\.0 in approved-feed is blocked from download/),
      '2 of 4 package versions are noncompliant or blocked: acme/bad 1.0.0, acme/evil 1.0.0',
    ]);
    expect(run.summary).toContain('| Package | Version | Status | Compliance | Vulnerabilities |');
    expect(run.summary).toContain(
      '| <code>acme/bad</code> | <code>1.0.0</code> | ✅ promoted | ❌ noncompliant | PGV-9000001 (critical) |',
    );
    expect(run.summary).toContain('| <code>acme/meh</code> | <code>1.0.0</code> | ✅ promoted | ⚠️ warn |');
    expect(run.summary).toContain('⛔ blocked');
    expect(run.summary).toContain('2 of 4 package versions noncompliant or blocked');
    // One metadata call per version: fetched, not guessed.
    const before = sim.requests().length;
    const again = await check(sim.url, { packages: 'acme/good@1.0.0\nacme/bad@1.0.0' });
    expect(again.exitCode).toBe(1);
    const metadata = sim
      .requests()
      .slice(before)
      .filter((r) => r.url.startsWith('/api/packages/approved-feed/metadata?'));
    expect(metadata).toHaveLength(2);
    expectNoStackTrace(run);
    expectSecretsKept(run, [KEY], sim);
  });

  it('passes with warnings only in mode warn', async () => {
    const run = await check(sim.url, { packages: 'acme/bad@1.0.0', mode: 'warn' });
    expect(run.exitCode).toBe(0);
    expect(run.errors).toEqual([]);
    expect(run.warnings.at(-1)).toBe(
      '1 of 1 package versions is noncompliant or blocked: acme/bad 1.0.0 (mode: warn, so the step passes)',
    );
  });

  it('passes a compliant version and sets noncompliant to []', async () => {
    const run = await check(sim.url, { packages: 'acme/good@1.0.0' });
    expect(run.exitCode).toBe(0);
    expect(run.warnings).toEqual([]);
    expect(JSON.parse(run.outputs.noncompliant!)).toEqual([]);
    expect(run.summary).toContain('✅ compliant');
  });

  it('names both problems when a version is neither promoted nor compliant', async () => {
    const admin = new ProGetClient({ url: sim.url, apiKey: 'demo-admin-key' });
    const dir = join(sim.dataDir, 'src-bad2');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'f.txt'), 'x');
    const built = await buildPackage({
      sourceDir: dir,
      manifest: { group: 'acme', name: 'bad', version: '1.0.1' },
      outFile: join(sim.dataDir, 'bad2.upack'),
    });
    await admin.universal.upload('dev-feed', built.path);
    const run = await check(sim.url, { packages: 'acme/bad@1.0.0\nacme/bad@1.0.1' });
    expect(run.exitCode).toBe(1);
    expect(run.errors.at(-1)).toMatch(
      /^1 of 2 package versions is not promoted to approved-feed: acme\/bad 1\.0\.1\. 2 of 2 package versions are noncompliant or blocked: acme\/bad 1\.0\.0, acme\/bad 1\.0\.1$/,
    );
    // Without a promotion the version's compliance is read where it is: the source feed.
    const results = JSON.parse(run.outputs.results!) as { version: string; compliance?: { feed: string } }[];
    expect(results.find((r) => r.version === '1.0.1')!.compliance?.feed).toBe('dev-feed');
  });
});

describe('promote-check compliance on servers without it', () => {
  it('ProGet Free: one warning, and the promotion check goes on', async () => {
    const free = await startSimulator({ seed: 'demo', edition: 'Free' });
    try {
      const run = await check(free.url, { packages: 'initrode/vendors/abl/ABLast@2.2.1' });
      expect(run.exitCode).toBe(0);
      expect(run.outputs.promoted).toBe('true');
      expect(run.warnings).toEqual([
        'Compliance not checked: the server runs ProGet Free, which has no compliance data (ProGet Basic or Enterprise has); the promotion check goes on without it.',
      ]);
      expect(run.outputs.noncompliant).toBe('[]');
      expect(JSON.parse(run.outputs.results!)[0].compliance).toBeUndefined();
      expect(run.summary).toContain('⚠️ Compliance not checked: the server runs ProGet Free');
      expect(run.summary).not.toContain('| Compliance |');
    } finally {
      await free.close();
    }
  });

  it('a server without the metadata API (404): one warning, and the check goes on', async () => {
    sim.setFaults([{ path: '^/api/packages/[^/]+/metadata', fault: { type: 'status', status: 404 } }]);
    try {
      const run = await check(sim.url, { packages: 'acme/bad@1.0.0' });
      expect(run.exitCode).toBe(0);
      expect(run.warnings).toEqual([
        expect.stringMatching(
          /^Compliance not checked: the server answered 404 for the metadata of every package: it has no Packages metadata API/,
        ),
      ]);
      expect(run.errors).toEqual([]);
    } finally {
      sim.setFaults([]);
    }
  });
});
