// Bad input to the audit step, through the real bundle: every bad SBOM file, lockfile, input and server
// gets one clear error (or warning) naming the file and the problem, and nothing reaches ProGet half-done
// without the step saying so.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionRun } from '../integration/action/runner.js';
import type { SimulatorHandle, SimulatorOptions } from '../sim/index.js';
import { startSimulator } from '../sim/index.js';
import {
  bundlesReady,
  type ConnectionCounter,
  connectionCounter,
  run,
  type Scratch,
  scratch,
} from './helpers.js';
import { runStepInProcess } from './input-harness.js';

const KEY = 'demo-admin-key';
let sim: SimulatorHandle;
let counter: ConnectionCounter;
let dir: Scratch;
let n = 0;

const bom = (components: unknown[], specVersion = '1.5') =>
  JSON.stringify({ bomFormat: 'CycloneDX', specVersion, version: 1, components });
const lib = (name: string, version: string, purl?: string) => ({
  type: 'library',
  name,
  version,
  ...(purl ? { purl } : {}),
});

beforeAll(async () => {
  await bundlesReady();
  sim = await startSimulator({ seed: 'demo' });
  counter = await connectionCounter();
  dir = await scratch('audit');
});
afterAll(async () => {
  await sim?.close();
  await counter?.close();
  await dir?.remove();
});

/** Runs the bundle in a fresh workspace holding `files`. */
async function audit(
  files: Record<string, string>,
  inputs: Record<string, string>,
  server: { url: string } = sim,
  timeoutMs?: number,
): Promise<ActionRun> {
  const ws = `ws-${++n}`;
  for (const [name, text] of Object.entries(files)) await dir.file(`${ws}/${name}`, text);
  await dir.file(`${ws}/.keep`, '');
  return run('audit', {
    inputs: { server: server.url, 'api-key': KEY, project: 'bad-input', version: String(n), ...inputs },
    workspace: `${dir.path}/${ws}`,
    ...(timeoutMs ? { timeoutMs } : {}),
  });
}

const imports = () => sim.requests().filter((r) => r.url.startsWith('/api/sca/import')).length;

/** Failed with exactly one error, naming the problem; no stack trace; nothing imported. */
async function expectRefused(files: Record<string, string>, inputs: Record<string, string>, error: string) {
  const before = imports();
  const r = await audit(files, inputs);
  expect(r.exitCode).toBe(1);
  expect(r.errors).toEqual([error]);
  expect(r.stdout).not.toMatch(/\n\s+at /);
  expect(r.outputs.status).toBe('inconclusive');
  expect(r.summary).toContain('### ProGet audit not done');
  expect(imports()).toBe(before);
  return r;
}

describe('bad SBOM files', () => {
  it('a malformed JSON file', async () => {
    await expectRefused(
      { 'bom.json': '{"bomFormat": "CycloneDX", "specVersion": ' },
      { sbom: 'bom.json' },
      'SBOM not audited: bom.json: is not valid JSON (Unexpected end of JSON input).',
    );
  });

  it('a JSON file that is not CycloneDX, and an SPDX document', async () => {
    await expectRefused(
      { 'package.json': '{"name": "app", "version": "1.0.0"}' },
      { sbom: 'package.json' },
      'SBOM not audited: package.json: is JSON but not a CycloneDX SBOM (no "bomFormat": "CycloneDX").',
    );
    await expectRefused(
      { 'sbom.spdx.json': '{"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT"}' },
      { sbom: 'sbom.spdx.json' },
      'SBOM not audited: sbom.spdx.json: is an SPDX document (SPDX-2.3), not CycloneDX. Produce a CycloneDX SBOM instead (for example `syft -o cyclonedx-json`).',
    );
  });

  it('a text file that is neither JSON nor XML', async () => {
    await expectRefused(
      { 'bom.txt': 'lodash 4.17.21\n' },
      { sbom: 'bom.txt' },
      'SBOM not audited: bom.txt: is neither JSON nor XML, so it cannot be a CycloneDX SBOM.',
    );
  });

  it('a CycloneDX version ProGet does not import', async () => {
    await expectRefused(
      { 'old.json': bom([lib('lodash', '4.17.21', 'pkg:npm/lodash@4.17.21')], '1.1') },
      { sbom: 'old.json' },
      'SBOM not audited: old.json: uses CycloneDX 1.1; supported versions are 1.2 to 1.6.',
    );
  });

  it('an SBOM with zero components', async () => {
    await expectRefused(
      { 'empty.json': bom([]) },
      { sbom: 'empty.json' },
      'SBOM not audited: empty.json: has no components: there is nothing to audit.',
    );
  });

  it('components without purls: all of them is an error, some of them a warning naming them', async () => {
    await expectRefused(
      { 'nopurl.json': bom([lib('lodash', '4.17.21'), lib('left-pad', '1.3.0')]) },
      { sbom: 'nopurl.json' },
      'SBOM not audited: nopurl.json: has 2 component(s) but none with a valid purl (lodash@4.17.21, left-pad@1.3.0): ProGet matches packages by purl.',
    );
    const r = await audit(
      { 'some.json': bom([lib('lodash', '4.17.21', 'pkg:npm/lodash@4.17.21'), lib('left-pad', '1.3.0')]) },
      { sbom: 'some.json' },
    );
    expect(r.exitCode).toBe(0);
    expect(r.warnings).toEqual(['some.json: 1 component(s) without a purl were skipped: left-pad@1.3.0.']);
    const warning = r.commands.find((c) => c.command === 'warning');
    expect(warning?.properties).toMatchObject({ file: 'some.json', title: 'SBOM' });
    expect(r.outputs.status).toBe('compliant');
  });

  it('a file that does not exist, and a glob that matches nothing', async () => {
    await expectRefused(
      {},
      { sbom: 'missing.json' },
      'SBOM not audited: missing.json: does not exist or cannot be read.',
    );
    await expectRefused(
      {},
      { sbom: 'sboms/*.cdx.json' },
      '"sbom": sboms/*.cdx.json matches no file in the workspace',
    );
  });
});

describe('bad lockfiles', () => {
  it('an unknown lockfile format named in lockfiles', async () => {
    await expectRefused(
      { 'Cargo.lock': '# cargo\n' },
      { generate: 'true', lockfiles: 'Cargo.lock' },
      'SBOM not audited: Cargo.lock: is not a lockfile proget-ci can read; known: package-lock.json, npm-shrinkwrap.json, pnpm-lock.yaml, yarn.lock, packages.lock.json, requirements.txt, poetry.lock.',
    );
  });

  it('a workspace with only lockfiles of other package managers, and one with none', async () => {
    // The workspace path differs per run: check the words around it.
    const run2 = await audit({ 'Cargo.lock': '# cargo\n' }, { generate: 'true' });
    expect(run2.exitCode).toBe(1);
    expect(run2.errors).toHaveLength(1);
    expect(run2.errors[0]).toMatch(
      /^SBOM not audited: \S+: has only lockfiles proget-ci cannot read \(Cargo\.lock\); it reads package-lock\.json, .*Give an SBOM made by a tool for that ecosystem instead\.$/,
    );
    const run3 = await audit({ 'README.md': '# app\n' }, { generate: 'true' });
    expect(run3.exitCode).toBe(1);
    expect(run3.errors[0]).toMatch(
      /: has no lockfile to build an SBOM from \(looked for package-lock\.json, /,
    );
  });
});

describe('bad inputs: refused before any connection', () => {
  const cases: [string, Record<string, string>, string][] = [
    [
      'neither sbom nor generate',
      {},
      '"sbom" is required: name one or more CycloneDX files (or globs), or set "generate: true" to build one from the lockfiles',
    ],
    [
      'both sbom and generate',
      { sbom: 'bom.json', generate: 'true' },
      'give either "sbom" (CycloneDX files) or "generate: true" (an SBOM from lockfiles), not both',
    ],
    [
      'lockfiles without generate',
      { sbom: 'bom.json', lockfiles: 'yarn.lock' },
      '"lockfiles" is only read with "generate: true"',
    ],
    [
      'an unknown fail-on',
      { sbom: 'bom.json', 'fail-on': 'critical' },
      '"fail-on" must be one of noncompliant, warn, never; got "critical"',
    ],
    [
      'a project on two lines',
      { sbom: 'bom.json', project: 'a\nb' },
      '"project" must be one line of at most 200 characters',
    ],
  ];
  for (const [title, inputs, problem] of cases) {
    it(title, async () => {
      const r = await audit(
        { 'bom.json': bom([lib('lodash', '4.17.21', 'pkg:npm/lodash@4.17.21')]) },
        inputs,
        counter,
      );
      expect(r.exitCode).toBe(1);
      expect(r.errors).toEqual([`Invalid inputs: ${problem}`]);
      expect(counter.connections()).toBe(0);
    });
  }

  it('in-process: the client is never created for a bad file', async () => {
    await dir.file('inproc/bom.json', '{');
    const outcome = await runStepInProcess(
      'audit',
      { server: 'https://proget.example.com', 'api-key': 'k-123', sbom: 'bom.json' },
      { workspace: `${dir.path}/inproc` },
    );
    expect(outcome.failed).toMatch(/^SBOM not audited: bom\.json: is not valid JSON/);
    expect(outcome.clientUses).toEqual([]);
  });
});

describe('servers that cannot audit', () => {
  async function withServer(options: SimulatorOptions, body: (s: SimulatorHandle) => Promise<void>) {
    const s = await startSimulator({ seed: 'demo', ...options });
    try {
      await body(s);
    } finally {
      await s.close();
    }
  }
  const okBom = { 'bom.json': bom([lib('lodash', '4.17.21', 'pkg:npm/lodash@4.17.21')]) };

  it('ProGet Free: one error saying it needs Basic or Enterprise', async () => {
    await withServer({ edition: 'Free' }, async (free) => {
      const r = await audit(okBom, { sbom: 'bom.json' }, free);
      expect(r.exitCode).toBe(1);
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]).toMatch(
        /^Could not import the SBOM bad-input-\d+\.cdx\.json: this needs ProGet Basic or Enterprise \(the server runs ProGet Free\)/,
      );
      // Nothing was imported, so nothing says it was.
      expect(r.warnings).toEqual([]);
    });
  });

  it("ProGet Basic's hourly limit before the import: says when to retry, nothing imported", async () => {
    await withServer({ edition: 'Basic', sca: { basicHourlyLimit: 0 } }, async (basic) => {
      const r = await audit(okBom, { sbom: 'bom.json' }, basic);
      expect(r.exitCode).toBe(1);
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]).toMatch(/retry after \d+ s/);
      expect(r.warnings).toEqual([]);
    });
  });

  it("ProGet Basic's hourly limit after the import: says the SBOM is in ProGet but not audited", async () => {
    await withServer({ edition: 'Basic', sca: { basicHourlyLimit: 1 } }, async (basic) => {
      const r = await audit(okBom, { sbom: 'bom.json', project: 'half', version: '1' }, basic);
      expect(r.exitCode).toBe(1);
      expect(r.warnings).toEqual([
        'The SBOM was imported into ProGet (project half, build 1), but the audit did not finish; re-run the step to audit it.',
      ]);
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]).toMatch(/retry after \d+ s/);
    });
  });
});

describe('a huge SBOM', () => {
  it('50,000 components: imported, audited, and the summary and results stay under their limits', async () => {
    const components = Array.from({ length: 50_000 }, (_, i) =>
      lib(`pkg-${i}`, '1.0.0', `pkg:npm/huge-pkg-${i}@1.0.0`),
    );
    components[49_999] = lib('lodash', '4.17.20', 'pkg:npm/lodash@4.17.20');
    const r = await audit(
      { 'huge.json': bom(components) },
      { sbom: 'huge.json', 'fail-on': 'never' },
      sim,
      180_000,
    );
    expect(r.exitCode).toBe(0);
    expect(r.errors).toEqual([]);
    expect(r.outputs.status).toBe('noncompliant');
    expect(r.stdout).toContain('Read 50000 component(s) from huge.json');
    expect(Buffer.byteLength(r.summary)).toBeLessThan(1024 * 1024);
    expect(r.summary).toContain('<details><summary>');
    expect(r.summary).toMatch(/\d+ more package\(s\) are not listed here/);
    // The noncompliant package comes first, whatever its place in the file.
    expect(r.summary.split('\n').find((l) => l.startsWith('| ['))).toContain('lodash');
    const results = JSON.parse(r.outputs.results ?? '');
    expect(Buffer.byteLength(r.outputs.results ?? '')).toBeLessThan(1024 * 1024);
    expect(results.counts).toEqual({ noncompliant: 1, inconclusive: 49_999, warn: 0, compliant: 0 });
    expect(results.packages[0].purl).toBe('pkg:npm/lodash@4.17.20');
    expect(results.omitted + results.packages.length).toBe(50_000);
    // GitHub shows only a few annotations per step: capped, with one saying how many more.
    expect(r.notices.at(-1)).toBe(
      '49979 more package(s) like the ones above are not annotated; the job summary lists them.',
    );
  }, 240_000);
});
