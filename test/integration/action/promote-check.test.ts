import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildPackage, ProGetClient } from '@proget-ci/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPromotions } from '../../../action/src/promote-check/check.js';
import { type SimulatorHandle, startSimulator } from '../../sim/index.js';
import { expectNoStackTrace, expectSecretsKept } from './expectations.js';
import { ensureBundles, runAction } from './runner.js';

let sim: SimulatorHandle;
const KEY = 'demo-view-key';
const PROMOTED = 'initrode/vendors/abl/ABLast@2.2.1'; // seeded: promoted dev-feed → approved-feed

beforeAll(async () => {
  ensureBundles();
  sim = await startSimulator({ seed: 'demo' });
});
afterAll(async () => {
  await sim?.close();
});

function check(inputs: Record<string, string>, workspace?: string) {
  return runAction('promote-check', {
    inputs: {
      server: sim.url,
      'api-key': KEY,
      'from-feed': 'dev-feed',
      'to-feed': 'approved-feed',
      ...inputs,
    },
    workspace,
  });
}

describe('promote-check bundle', () => {
  it('passes for a promoted version that is in the target feed', async () => {
    const run = await check({ packages: `# seeded\n${PROMOTED}\n` });
    expect(run.exitCode).toBe(0);
    expect(run.errors).toEqual([]);
    expect(run.outputs.promoted).toBe('true');
    expect(JSON.parse(run.outputs.missing!)).toEqual([]);
    const [result] = JSON.parse(run.outputs.results!);
    expect(result).toMatchObject({
      group: 'initrode/vendors/abl',
      name: 'ABLast',
      version: '2.2.1',
      promoted: true,
      inTarget: true,
      promotion: {
        fromFeed: 'dev-feed',
        toFeed: 'approved-feed',
        user: 'SYSTEM',
        comments: 'Approved for production use',
      },
    });
    expect(run.summary).toContain(
      '| <code>initrode/vendors/abl/ABLast</code> | <code>2.2.1</code> | ✅ promoted |',
    );
    expectSecretsKept(run, [KEY], sim);
  });

  it('fails with one ::error:: per missing package saying how to promote it', async () => {
    const run = await check({
      packages: `${PROMOTED}\nHDARS@1.3.9\nvirtudyne/simdesk/var-index-service@9.9.9`,
    });
    // 9.9.9 is in no feed: it is reported as not found, with nothing to promote.
    expect(run.exitCode).toBe(1);
    expect(run.outputs.promoted).toBe('false');
    expect(JSON.parse(run.outputs.missing!)).toEqual([
      { name: 'HDARS', version: '1.3.9' },
      { group: 'virtudyne/simdesk', name: 'var-index-service', version: '9.9.9' },
    ]);
    const annotations = run.commands.filter((c) => c.command === 'error' && c.properties.title);
    expect(annotations.map((a) => a.properties.title)).toEqual([
      'Not promoted: HDARS 1.3.9',
      'Not found: virtudyne/simdesk/var-index-service 9.9.9',
    ]);
    expect(annotations[1]!.message).toBe(
      `virtudyne/simdesk/var-index-service 9.9.9 does not exist in dev-feed, so it cannot be promoted; check the name and version (${sim.url}/feeds/dev-feed/virtudyne/simdesk/var-index-service/9.9.9), or publish it there first.`,
    );
    expect(annotations[1]!.message).not.toContain('pgutil');
    expect(JSON.parse(run.outputs['not-found']!)).toEqual([
      { group: 'virtudyne/simdesk', name: 'var-index-service', version: '9.9.9' },
    ]);
    expect(run.summary).toContain(
      '| <code>virtudyne/simdesk/var-index-service</code> | <code>9.9.9</code> | ❓ not found |',
    );
    expect(annotations[0]!.message).toBe(
      `HDARS 1.3.9 has not been promoted from dev-feed to approved-feed. Promote it in ProGet (${sim.url}/feeds/dev-feed/HDARS/1.3.9, "Promote"), or run: pgutil packages promote --feed=dev-feed --to-feed=approved-feed --package=HDARS --version=1.3.9 (API: POST ${sim.url}/api/promotions/promote).`,
    );
    expect(run.errors.at(-1)).toBe(
      '2 of 3 package versions are not promoted to approved-feed (1 not found in dev-feed): HDARS 1.3.9, virtudyne/simdesk/var-index-service 9.9.9',
    );
    expect(run.summary).toContain(
      '### ProGet promotion check: 2 of 3 not promoted to `approved-feed` (1 not found)',
    );
    expectNoStackTrace(run);
    expectSecretsKept(run, [KEY], sim);
  });

  it('only warns in warn mode', async () => {
    const run = await check({ package: 'HDARS', version: '1.3.9', mode: 'warn' });
    expect(run.exitCode).toBe(0);
    expect(run.errors).toEqual([]);
    expect(run.warnings).toHaveLength(2);
    expect(run.outputs.promoted).toBe('false');
  });

  it('names each bad line of packages', async () => {
    const run = await check({ packages: `${PROMOTED}\n\nnot a package\nx@` });
    expect(run.exitCode).toBe(1);
    expect(run.errors).toEqual([
      [
        'Invalid inputs: 2 problems:',
        '  - "packages" line 3: expected group/name@version (or group:name:version), got "not a package"',
        '  - "packages" line 4: expected group/name@version (or group:name:version), got "x@"',
      ].join('\n'),
    ]);
  });

  it('checks the dependencies pinned in a manifest', async () => {
    const workspace = join(sim.dataDir, 'ws-manifest');
    await mkdir(workspace, { recursive: true });
    await writeFile(
      join(workspace, 'upack.json'),
      JSON.stringify({
        name: 'site',
        version: '1.0.0',
        dependencies: ['initrode/vendors/abl:ABLast:2.2.1', 'x:y:*'],
      }),
    );
    const run = await check(
      { manifest: 'upack.json', 'check-dependencies': 'true', mode: 'warn' },
      workspace,
    );
    expect(run.exitCode).toBe(0);
    expect(run.outputs.promoted).toBe('false');
    expect(run.warnings[0]).toBe(
      'Dependency x:y:* accepts any version (*), so its promotion cannot be checked; pin it as group:name:version.',
    );
    expect(JSON.parse(run.outputs.results!)[0]).toMatchObject({ name: 'ABLast', promoted: true });
  });

  it('waits for a promotion that happens while it polls', async () => {
    const client = new ProGetClient({ url: sim.url, apiKey: 'demo-admin-key' });
    await client.universal.upload('dev-feed', await makePackage('late', '1.0.0'));
    const lists = () => sim.requests().filter((r) => r.url.startsWith('/api/promotions/list')).length;
    const listsBefore = lists();
    const pending = check({ packages: 'it/late@1.0.0', 'wait-timeout': '60', 'poll-interval': '0.3' });
    // Promote only once the step has looked and found it missing.
    while (lists() === listsBefore) await new Promise((r) => setTimeout(r, 50));
    await client.promotions.promote({
      group: 'it',
      name: 'late',
      version: '1.0.0',
      fromFeed: 'dev-feed',
      toFeed: 'approved-feed',
    });
    const run = await pending;
    expect(run.exitCode).toBe(0);
    expect(run.outputs.promoted).toBe('true');
    expect(run.stdout).toMatch(/1 of 1 not promoted yet \(it\/late 1\.0\.0\); checking again in 1 s/);
  });

  it('checks 200 promoted packages with one list call and the target checks in flight together', async () => {
    // Ten packages a group: too few for a group listing, so each is checked in the target on its own.
    const packages = Array.from({ length: 200 }, (_, i) => ({
      group: `bulk-${i % 20}`,
      name: `p${i}`,
      version: '1.0.0',
    }));
    const admin = new ProGetClient({ url: sim.url, apiKey: 'demo-admin-key' });
    for (let i = 0; i < packages.length; i += 20) {
      await Promise.all(
        packages.slice(i, i + 20).map(async (p) => {
          await admin.universal.upload('dev-feed', await makePackage(p.name, p.version, p.group));
          await admin.promotions.promote({ ...p, fromFeed: 'dev-feed', toFeed: 'approved-feed' });
        }),
      );
    }
    const client = new ProGetClient({ url: sim.url, apiKey: KEY });
    // Every request is held 20 ms by the simulator. A client that waits for one answer before asking again
    // cannot start two requests less than 20 ms apart; one that keeps several in flight does so all the
    // time. That is the property checked here; how long the step takes is measured by test/bench.
    sim.setFaults([{ path: '/', fault: { type: 'latency', ms: 20 } }]);
    const before = sim.requests().length;
    try {
      const result = await checkPromotions(client, {
        packages,
        fromFeed: 'dev-feed',
        toFeed: 'approved-feed',
        requireInTarget: true,
        waitTimeoutMs: 0,
        pollIntervalMs: 1000,
        logger: { info() {}, debug() {}, warning() {} },
      });
      expect(result.promoted).toBe(true);
    } finally {
      sim.setFaults([]);
    }
    const made = sim.requests().slice(before);
    expect(made.filter((r) => r.url.startsWith('/api/promotions/list'))).toHaveLength(1);
    // Two feed checks (from-feed, to-feed), one list, 200 target checks.
    expect(made).toHaveLength(203);
    const starts = made.map((r) => Date.parse(r.at)).sort((a, b) => a - b);
    const overlapping = starts.slice(1).filter((t, i) => t - starts[i]! < 15).length;
    expect(overlapping).toBeGreaterThan(150);
  }, 120_000);

  it('lists a group of many promoted packages in the target once, and asks only about what it lacks', async () => {
    const packages = Array.from({ length: 30 }, (_, i) => ({
      group: 'many/listed',
      name: `m${i}`,
      version: `2.0.${i}`,
    }));
    const admin = new ProGetClient({ url: sim.url, apiKey: 'demo-admin-key' });
    await Promise.all(
      packages.map(async (p) => {
        await admin.universal.upload('dev-feed', await makePackage(p.name, p.version, p.group));
        await admin.promotions.promote({ ...p, fromFeed: 'dev-feed', toFeed: 'approved-feed' });
      }),
    );
    // Promoted, then deleted from the target: the listing does not show it, so it is asked about itself.
    const gone = packages[7]!;
    await admin.universal.delete('approved-feed', gone);
    const before = sim.requests().length;
    const result = await checkPromotions(new ProGetClient({ url: sim.url, apiKey: KEY }), {
      packages,
      fromFeed: 'dev-feed',
      toFeed: 'approved-feed',
      requireInTarget: true,
      waitTimeoutMs: 0,
      pollIntervalMs: 1000,
      logger: { info() {}, debug() {}, warning() {} },
    });
    expect(result.promoted).toBe(false);
    expect(result.missing.map((c) => [c.package.name, c.status])).toEqual([[gone.name, 'not-in-target']]);
    expect(result.checks.filter((c) => c.status === 'promoted')).toHaveLength(29);
    const made = sim.requests().slice(before);
    // Two feed checks, one promotions list, one group listing, one check of the deleted version.
    expect(made.map((r) => r.url.split('?')[0])).toEqual([
      '/api/management/feeds/get/dev-feed',
      '/api/management/feeds/get/approved-feed',
      '/api/promotions/list',
      '/upack/approved-feed/packages',
      '/api/packages/approved-feed/versions',
    ]);
  }, 120_000);
});

let packageCounter = 0;
async function makePackage(name: string, version: string, group = 'it'): Promise<string> {
  const n = ++packageCounter;
  const dir = join(sim.dataDir, `pkg-src-${n}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'f.txt'), name);
  const built = await buildPackage({
    sourceDir: dir,
    manifest: { group, name, version },
    outFile: join(sim.dataDir, `pkg-${n}.upack`),
  });
  return built.path;
}
