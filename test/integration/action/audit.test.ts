// The audit bundle against the simulator's SCA server: every verdict, fail-on, the defaults from the run,
// a generated SBOM with annotations on lockfile lines, several files (JSON and XML) merged, stages, SARIF.

import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../../sim/index.js';
import { SCA_KEYS } from '../../sim/sca/seed.js';
import { expectNoStackTrace, expectSecretsKept } from './expectations.js';
import { ensureBundles, runAction } from './runner.js';

const KEY = 'demo-sca-key';
let sim: SimulatorHandle;
let root: string;

export interface BomEntry {
  name: string;
  version: string;
  purl?: string;
  license?: string;
}

/** A CycloneDX JSON SBOM whose own metadata names another project: the step's inputs must win. */
export function cyclonedxJson(entries: BomEntry[], specVersion = '1.5'): string {
  return JSON.stringify({
    bomFormat: 'CycloneDX',
    specVersion,
    version: 1,
    metadata: { component: { type: 'application', name: 'not-this-project', version: '0.0.0' } },
    components: entries.map((e) => ({
      type: 'library',
      name: e.name,
      version: e.version,
      ...(e.purl ? { purl: e.purl } : {}),
      ...(e.license ? { licenses: [{ license: { id: e.license } }] } : {}),
    })),
  });
}

const npm = (name: string, version: string, license = 'MIT'): BomEntry => ({
  name,
  version,
  purl: `pkg:npm/${name}@${version}`,
  license,
});

let counter = 0;
async function workspace(files: Record<string, string>): Promise<string> {
  const dir = join(root, `ws-${++counter}`);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

async function audit(
  files: Record<string, string>,
  inputs: Record<string, string>,
  env?: Record<string, string>,
) {
  const ws = await workspace(files);
  const run = await runAction('audit', {
    inputs: { server: sim.url, 'api-key': KEY, ...inputs },
    workspace: ws,
    ...(env ? { env } : {}),
  });
  expectNoStackTrace(run);
  expectSecretsKept(run, [KEY], sim);
  return { run, ws };
}

beforeAll(async () => {
  ensureBundles();
  sim = await startSimulator({ seed: 'demo', apiKeys: SCA_KEYS });
  root = await mkdtemp(join(tmpdir(), 'audit-it-'));
});
afterAll(async () => {
  await sim?.close();
  await rm(root, { recursive: true, force: true });
});

describe('audit bundle: verdicts', () => {
  it('compliant: passes, with the outputs, one summary row per package and a link to the build', async () => {
    const { run } = await audit(
      { 'bom.json': cyclonedxJson([npm('lodash', '4.17.21')]) },
      { sbom: 'bom.json', project: 'it-compliant', version: '1.0.0' },
    );
    expect(run.exitCode).toBe(0);
    expect(run.errors).toEqual([]);
    expect(run.warnings).toEqual([]);
    // Like every step, one banner line naming the server, from the headers of its first answer.
    expect(run.stdout.split('\n').filter((l) => l.startsWith(`ProGet ${sim.url} · `))).toHaveLength(1);
    expect(run.outputs.status).toBe('compliant');
    expect(run.outputs['issue-count']).toBe('0');
    expect(run.outputs['unresolved-count']).toBe('0');
    expect(run.outputs['build-url']).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/projects2\/builds\/build\?buildId=\d+$/,
    );
    const results = JSON.parse(run.outputs.results ?? '');
    expect(results).toMatchObject({
      status: 'compliant',
      project: 'it-compliant',
      version: '1.0.0',
      counts: { compliant: 1, warn: 0, noncompliant: 0, inconclusive: 0 },
      packages: [
        { purl: 'pkg:npm/lodash@4.17.21', name: 'lodash', version: '4.17.21', verdict: 'compliant' },
      ],
    });
    expect(results.packages[0].url).toBe(`${sim.url}/packages/from-purl?purl=pkg%3anpm%2flodash%404.17.21`);
    expect(run.summary).toContain('### ProGet audit: ✅ Compliant — it-compliant 1.0.0');
    expect(run.summary).toContain(
      `[lodash](${sim.url}/packages/from-purl?purl=pkg%3anpm%2flodash%404.17.21)`,
    );
    expect(run.summary).toContain('| 4.17.21 | MIT | ✅ Compliant |');
    expect(run.summary).toContain(`[build in ProGet](${run.outputs['build-url']})`);
  });

  it('warn: passes under fail-on noncompliant with a warning, fails under fail-on warn', async () => {
    const files = { 'bom.json': cyclonedxJson([npm('semver', '7.5.1', 'ISC')]) };
    const { run } = await audit(files, { sbom: 'bom.json', project: 'it-warn', version: '1' });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('warn');
    expect(run.warnings).toHaveLength(1);
    expect(run.warnings[0]).toContain('pkg:npm/semver@7.5.1 is warn in ProGet (project it-warn, build 1)');
    expect(run.warnings[0]).toContain('PGV-2225883 (medium');
    expect(run.summary).toContain('⚠️ Warn');

    const strict = (
      await audit(files, { sbom: 'bom.json', project: 'it-warn', version: '2', 'fail-on': 'warn' })
    ).run;
    expect(strict.exitCode).toBe(1);
    expect(strict.outputs.status).toBe('warn');
    expect(strict.errors.at(-1)).toMatch(/^ProGet finds build 2 of it-warn warn \(fail-on: warn\)/);
    // The summary is the audit's, not a failure notice.
    expect(strict.summary).toContain('Step failed (fail-on: warn)');
    expect(strict.summary).not.toContain('ProGet audit not done');
  });

  it('noncompliant: fails with one error annotation per package, problems first in the summary', async () => {
    const { run } = await audit(
      {
        'bom.json': cyclonedxJson([
          npm('lodash', '4.17.21'),
          npm('lodash', '4.17.20'),
          npm('event-stream', '3.3.6'),
        ]),
      },
      { sbom: 'bom.json', project: 'it-noncompliant', version: '3.0.0' },
    );
    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).toBe('noncompliant');
    const annotated = run.commands.filter((c) => c.command === 'error' && c.properties.title);
    expect(annotated.map((c) => c.properties.title).sort()).toEqual([
      'Noncompliant in ProGet: event-stream 3.3.6',
      'Noncompliant in ProGet: lodash 4.17.20',
    ]);
    expect(run.errors.join('\n')).toContain('PGV-2123337 (critical');
    expect(run.errors.at(-1)).toMatch(/^ProGet finds build 3\.0\.0 of it-noncompliant noncompliant: /);
    const rows = run.summary.split('\n').filter((l) => l.startsWith('| ['));
    expect(rows).toHaveLength(3);
    expect(rows[2]).toContain('✅ Compliant');
    expect(rows.slice(0, 2).every((r) => r.includes('❌ Noncompliant'))).toBe(true);
    expect(JSON.parse(run.outputs.results ?? '').counts).toEqual({
      noncompliant: 2,
      inconclusive: 0,
      warn: 0,
      compliant: 1,
    });
  });

  it('noncompliant with fail-on never: passes, and the annotations are warnings', async () => {
    const { run } = await audit(
      { 'bom.json': cyclonedxJson([npm('lodash', '4.17.20')]) },
      { sbom: 'bom.json', project: 'it-never', version: '1', 'fail-on': 'never' },
    );
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('noncompliant');
    expect(run.errors).toEqual([]);
    expect(run.warnings.join('\n')).toContain('pkg:npm/lodash@4.17.20 is noncompliant in ProGet');
  });

  it('inconclusive: an unknown package passes with a notice, fails under fail-on warn', async () => {
    const files = {
      'bom.json': cyclonedxJson([
        { name: 'mystery-widget', version: '1.0.0', purl: 'pkg:npm/mystery-widget@1.0.0' },
      ]),
    };
    const { run } = await audit(files, { sbom: 'bom.json', project: 'it-inconclusive', version: '1' });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('inconclusive');
    expect(run.notices.join('\n')).toContain('no license detected');
    expect(run.summary).toContain('| 1.0.0 | none detected | ❔ Inconclusive');
    const strict = await audit(files, {
      sbom: 'bom.json',
      project: 'it-inconclusive',
      version: '2',
      'fail-on': 'warn',
    });
    expect(strict.run.exitCode).toBe(1);
  });

  it('a stage: promotes the build first, so ProGet opens issues that the outputs count', async () => {
    const { run } = await audit(
      { 'bom.json': cyclonedxJson([npm('lodash', '4.17.20'), npm('lodash', '4.17.21')]) },
      { sbom: 'bom.json', project: 'it-stage', version: '1', stage: 'Test', 'fail-on': 'never' },
    );
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('Promoted build 1 of it-stage to stage Test');
    expect(Number(run.outputs['issue-count'])).toBeGreaterThanOrEqual(1);
    expect(Number(run.outputs['unresolved-count'])).toBeGreaterThanOrEqual(1);
    const results = JSON.parse(run.outputs.results ?? '');
    expect(results.packages[0]).toMatchObject({ purl: 'pkg:npm/lodash@4.17.20', issue: { resolved: false } });
  });
});

describe('audit bundle: where the SBOM comes from', () => {
  it('project and version default from the repository and the ref (tag, branch)', async () => {
    const files = { 'bom.json': cyclonedxJson([npm('lodash', '4.17.21')]) };
    const tag = (await audit(files, { sbom: 'bom.json' })).run;
    expect(tag.exitCode).toBe(0);
    expect(JSON.parse(tag.outputs.results ?? '')).toMatchObject({ project: 'app', version: '1.2.3' });
    const branch = (await audit(files, { sbom: 'bom.json' }, { GITHUB_REF: 'refs/heads/feature/login' })).run;
    expect(branch.exitCode).toBe(0);
    expect(JSON.parse(branch.outputs.results ?? '')).toMatchObject({
      project: 'app',
      version: 'feature-login-4f3c2a1',
    });
    // Both builds exist in ProGet under those names, not under the SBOM's own metadata.
    for (const version of ['1.2.3', 'feature-login-4f3c2a1']) {
      const res = await fetch(`${sim.url}/api/sca/builds?project=app&version=${version}`, {
        headers: { 'X-ApiKey': KEY },
      });
      expect(res.status, version).toBe(200);
    }
    const other = await fetch(`${sim.url}/api/sca/builds?project=not-this-project`, {
      headers: { 'X-ApiKey': KEY },
    });
    expect(await other.text()).not.toContain('0.0.0');
  });

  it('merges several files found by a glob, CycloneDX 1.2 XML and 1.6 JSON alike', async () => {
    const xml = `<?xml version="1.0" encoding="utf-8"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.2" version="1"><components>
<component type="library"><name>Newtonsoft.Json</name><version>12.0.3</version><purl>pkg:nuget/Newtonsoft.Json@12.0.3</purl></component>
</components></bom>`;
    const { run } = await audit(
      {
        'sboms/backend.cdx.xml': xml,
        'sboms/web/frontend.json': cyclonedxJson([npm('lodash', '4.17.21')], '1.6'),
        'other.json': cyclonedxJson([npm('semver', '7.5.1')]),
      },
      { sbom: 'sboms/**/*', project: 'it-merge', version: '1', 'fail-on': 'never' },
    );
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(
      'Read 2 component(s) from sboms/backend.cdx.xml (CycloneDX 1.2 XML, 1), sboms/web/frontend.json (CycloneDX 1.6 JSON, 1)',
    );
    const results = JSON.parse(run.outputs.results ?? '');
    expect(results.packages.map((p: { purl: string }) => p.purl).sort()).toEqual([
      'pkg:npm/lodash@4.17.21',
      'pkg:nuget/Newtonsoft.Json@12.0.3',
    ]);
    expect(results.status).toBe('noncompliant');
    expect(run.summary).toContain(
      'SBOM read from <code>sboms/backend.cdx.xml</code>, <code>sboms/web/frontend.json</code>.',
    );
  });

  it('generate: builds the SBOM from the lockfile and annotates the line that brings in each problem', async () => {
    const lock = {
      name: 'web',
      version: '1.0.0',
      lockfileVersion: 3,
      requires: true,
      packages: {
        '': { name: 'web', version: '1.0.0', dependencies: { lodash: '4.17.20', semver: '7.5.1' } },
        'node_modules/lodash': {
          version: '4.17.20',
          resolved: 'https://registry.npmjs.org/lodash/-/lodash-4.17.20.tgz',
          license: 'MIT',
        },
        'node_modules/semver': {
          version: '7.5.1',
          resolved: 'https://registry.npmjs.org/semver/-/semver-7.5.1.tgz',
          license: 'ISC',
        },
      },
    };
    const text = JSON.stringify(lock, null, 2);
    const { run } = await audit(
      { 'web/package-lock.json': text },
      { generate: 'true', project: 'it-generate', version: '1', sarif: 'audit.sarif' },
    );
    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).toBe('noncompliant');
    const lines = text.split('\n');
    const lineOf = (needle: string) => lines.findIndex((l) => l.includes(needle)) + 1;
    const lodash = run.commands.find((c) => c.properties.title === 'Noncompliant in ProGet: lodash 4.17.20');
    expect(lodash?.command).toBe('error');
    expect(lodash?.properties).toMatchObject({
      file: 'web/package-lock.json',
      line: String(lineOf('"node_modules/lodash"')),
    });
    const semver = run.commands.find((c) => c.properties.title === 'Warn in ProGet: semver 7.5.1');
    expect(semver?.command).toBe('warning');
    expect(semver?.properties.file).toBe('web/package-lock.json');
    expect(run.summary).toContain('SBOM generated from <code>web/package-lock.json</code>.');
  });

  it('sarif: writes a SARIF 2.1.0 file with one result per package that is not compliant', async () => {
    const { run, ws } = await audit(
      {
        'bom.json': cyclonedxJson([
          npm('lodash', '4.17.20'),
          npm('lodash', '4.17.21'),
          npm('semver', '7.5.1'),
        ]),
      },
      {
        sbom: 'bom.json',
        project: 'it-sarif',
        version: '1',
        sarif: 'reports/proget.sarif',
        'fail-on': 'never',
      },
    );
    expect(run.exitCode).toBe(0);
    const sarif = JSON.parse(await readFile(join(ws, 'reports/proget.sarif'), 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    const results = sarif.runs[0].results;
    expect(results.map((r: { ruleId: string; level: string }) => `${r.ruleId} ${r.level}`)).toEqual([
      'proget/noncompliant error',
      'proget/warn warning',
    ]);
    expect(results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('bom.json');
    expect(results[0].message.text).toContain('lodash 4.17.20 is noncompliant in ProGet');
    const rules = sarif.runs[0].tool.driver.rules.map((r: { id: string }) => r.id);
    expect(results.every((r: { ruleId: string; ruleIndex: number }) => rules[r.ruleIndex] === r.ruleId)).toBe(
      true,
    );
  });
});
