// The audit step's pieces: defaults from the run, globs, the verdict rule, and the summary, results and
// SARIF kept within GitHub's limits. The bundle runs against the simulator in
// test/integration/action/audit.test.ts and test/reliability/bad-input-audit.test.ts.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScaStatus } from '@proget-ci/core';
import { composeSbom, parseSbomText, serializeSbom } from '@proget-ci/core/sbom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditResult, type AuditRow, packageUrl, parsePurl, sortRows } from '../src/audit/audit.js';
import { defaultProject, defaultVersion, readAuditInputs } from '../src/audit/inputs.js';
import {
  annotations,
  fails,
  MAX_ANNOTATIONS,
  OPEN_BUDGET,
  resultsJson,
  sarif,
  summaryMarkdown,
} from '../src/audit/report.js';
import { expandSbomInputs, globRegExp } from '../src/audit/sbom-files.js';
import { readRunContext } from '../src/shared/context.js';

const SERVER = 'https://proget.example.com';

function row(i: number, verdict: ScaStatus, extra: Partial<AuditRow> = {}): AuditRow {
  const purl = `pkg:npm/package-number-${i}@1.${i}.0`;
  return {
    purl,
    name: `package-number-${i}`,
    version: `1.${i}.0`,
    licenses: ['MIT'],
    verdict,
    vulnerabilities: [],
    url: packageUrl(SERVER, purl),
    ...extra,
  };
}

function result(rows: AuditRow[], status: ScaStatus, more: Partial<AuditResult> = {}): AuditResult {
  return {
    project: 'app',
    version: '1.2.3',
    status,
    analysis: { analyzed: true, status, statusText: status, resolved: false },
    buildUrl: `${SERVER}/projects2/builds/build?buildId=7`,
    issueCount: 0,
    unresolvedCount: 0,
    resolved: false,
    rows: sortRows(rows),
    sources: ['bom.json'],
    generated: false,
    componentCount: rows.length,
    ...more,
  };
}

describe('defaults from the run', () => {
  it('project: the repository name without its owner', () => {
    expect(defaultProject({ repository: 'acme/web-app' })).toBe('web-app');
    expect(defaultProject({})).toBeUndefined();
  });

  it('version: a v-tag without its v, other tags as they are, branches and pull requests with the short sha', () => {
    const sha = '4f3c2a1b0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b';
    expect(defaultVersion({ ref: 'refs/tags/v1.2.3', sha })).toBe('1.2.3');
    expect(defaultVersion({ ref: 'refs/tags/release-7', sha })).toBe('release-7');
    expect(defaultVersion({ ref: 'refs/tags/version', sha })).toBe('version');
    expect(defaultVersion({ ref: 'refs/heads/main', sha })).toBe('main-4f3c2a1');
    expect(defaultVersion({ ref: 'refs/heads/feature/login', sha })).toBe('feature-login-4f3c2a1');
    expect(defaultVersion({ ref: 'refs/pull/12/merge', sha })).toBe('pr-12-4f3c2a1');
    expect(defaultVersion({ ref: 'refs/heads/main' })).toBe('main');
    expect(defaultVersion({})).toBeUndefined();
  });

  it('reads the inputs with those defaults, and refuses a run that names no repository or ref', () => {
    const context = readRunContext(
      { GITHUB_REPOSITORY: 'acme/app', GITHUB_REF: 'refs/tags/v2.0.0', GITHUB_WORKSPACE: '/ws' },
      '/tmp',
      '/ws',
    );
    const source = (inputs: Record<string, string>) => ({
      getInput: (name: string) => inputs[name] ?? '',
      setSecret: () => {},
    });
    const inputs = readAuditInputs(
      source({ server: SERVER, 'api-key': 'k', sbom: 'a.json\nb/*.xml', 'fail-on': 'WARN' }),
      context,
    );
    expect(inputs).toMatchObject({
      sbom: ['a.json', 'b/*.xml'],
      generate: false,
      project: 'app',
      version: '2.0.0',
      failOn: 'warn',
    });
    const bare = readRunContext({ GITHUB_WORKSPACE: '/ws' }, '/tmp', '/ws');
    expect(() => readAuditInputs(source({ server: SERVER, sbom: 'a.json' }), bare)).toThrow(
      /"project" is required: the run does not name its repository \(GITHUB_REPOSITORY\)[\s\S]*"version" is required: the run names no ref \(GITHUB_REF\) to take it from/,
    );
  });
});

describe('sbom globs', () => {
  let ws: string;
  beforeAll(async () => {
    ws = await mkdtemp(join(tmpdir(), 'audit-glob-'));
    for (const f of ['a.cdx.json', 'sub/b.cdx.json', 'sub/deep/c.cdx.xml', 'node_modules/x/d.cdx.json']) {
      await mkdir(join(ws, f, '..'), { recursive: true });
      await writeFile(join(ws, f), '{}');
    }
  });
  afterAll(async () => {
    await rm(ws, { recursive: true, force: true });
  });

  it('matches *, ? and ** the usual way', () => {
    expect(globRegExp('*.json').test('a.json')).toBe(true);
    expect(globRegExp('*.json').test('sub/a.json')).toBe(false);
    expect(globRegExp('**/*.json').test('a.json')).toBe(true);
    expect(globRegExp('**/*.json').test('x/y/a.json')).toBe(true);
    expect(globRegExp('sbom-?.xml').test('sbom-1.xml')).toBe(true);
    expect(globRegExp('sbom.(1).json').test('sbom.(1).json')).toBe(true);
    expect(globRegExp('sbom.json').test('sbomXjson')).toBe(false);
  });

  it('expands patterns in the workspace, skipping node_modules, each file once', async () => {
    const files = await expandSbomInputs(ws, ['**/*.cdx.*', 'a.cdx.json']);
    expect(files.map((f) => f.display)).toEqual(['a.cdx.json', 'sub/b.cdx.json', 'sub/deep/c.cdx.xml']);
    expect(files[0]?.absolute).toBe(join(ws, 'a.cdx.json'));
    await expect(expandSbomInputs(ws, ['*.spdx'])).rejects.toThrow(
      '"sbom": *.spdx matches no file in the workspace',
    );
  });
});

describe('the verdict rule', () => {
  const cases: [ScaStatus, boolean, Record<'noncompliant' | 'warn' | 'never', boolean>][] = [
    ['compliant', false, { noncompliant: false, warn: false, never: false }],
    ['warn', false, { noncompliant: false, warn: true, never: false }],
    ['inconclusive', false, { noncompliant: false, warn: true, never: false }],
    ['noncompliant', false, { noncompliant: true, warn: true, never: false }],
    // Every issue resolved by a person: passes, as pgutil's exit rule does.
    ['noncompliant', true, { noncompliant: false, warn: false, never: false }],
  ];
  for (const [status, resolved, expected] of cases) {
    it(`${status}${resolved ? ' (resolved)' : ''}`, () => {
      const r = result([row(1, status)], status, { resolved });
      for (const failOn of ['noncompliant', 'warn', 'never'] as const) {
        expect(fails(r, failOn), failOn).toBe(expected[failOn]);
      }
    });
  }
});

describe('summary and outputs within GitHub limits', () => {
  it('5,000 components: problems open first, the rest collapsed, under 1 MiB', () => {
    const rows = Array.from({ length: 5000 }, (_, i) =>
      row(i, i % 50 === 0 ? 'noncompliant' : i % 7 === 0 ? 'warn' : 'compliant', {
        vulnerabilities: i % 50 === 0 ? [{ id: `PGV-${i}`, severity: 'critical', score: 9.8 }] : [],
      }),
    );
    const md = summaryMarkdown(result(rows, 'noncompliant'), 'noncompliant');
    expect(Buffer.byteLength(md)).toBeLessThan(1024 * 1024);
    const [open, collapsed] = md.split('<details>');
    expect(Buffer.byteLength(open ?? '')).toBeLessThan(OPEN_BUDGET + 2048);
    expect(collapsed).toBeDefined();
    const openRows = (open ?? '').split('\n').filter((l) => l.startsWith('| ['));
    expect(openRows.length).toBeGreaterThan(50);
    // All 100 noncompliant packages are in the open part, first.
    expect(openRows.slice(0, 100).every((l) => l.includes('❌ Noncompliant'))).toBe(true);
    expect(openRows[0]).toContain('PGV-0 (critical 9.8)');
    const total = md.split('\n').filter((l) => l.startsWith('| [')).length;
    const missing = /(\d+) more package\(s\) are not listed here/.exec(md);
    expect(total + Number(missing?.[1] ?? 0)).toBe(5000);
    expect(md).toContain('Step failed (fail-on: noncompliant)');
  });

  it('escapes server text in cells', () => {
    const md = summaryMarkdown(
      result([row(1, 'warn', { detail: 'because <b>|x|</b>', licenses: ['A|B'] })], 'warn'),
      'never',
    );
    expect(md).toContain('because &lt;b&gt;\\|x\\|&lt;/b&gt;');
    expect(md).toContain('| A\\|B |');
  });

  it('results: the counts always, packages while they fit, the rest counted as omitted', () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => row(i, 'compliant'));
    const json = resultsJson(result(rows, 'compliant'));
    expect(Buffer.byteLength(json)).toBeLessThan(1024 * 1024);
    const parsed = JSON.parse(json);
    expect(parsed.counts.compliant).toBe(20_000);
    expect(parsed.packages.length + parsed.omitted).toBe(20_000);
    const small = JSON.parse(resultsJson(result([row(1, 'warn')], 'warn')));
    expect(small).not.toHaveProperty('omitted');
    expect(small.packages).toHaveLength(1);
  });

  it('annotations: capped per level with one saying how many more; on the lockfile line when known', () => {
    const rows = Array.from({ length: 30 }, (_, i) =>
      row(i, 'noncompliant', i === 0 ? { origin: { file: 'web/package-lock.json', line: 42 } } : {}),
    );
    const list = annotations(result(rows, 'noncompliant'), 'noncompliant');
    expect(list.filter((a) => a.level === 'error')).toHaveLength(MAX_ANNOTATIONS + 1);
    expect(list.at(-1)?.message).toBe(
      '10 more package(s) like the ones above are not annotated; the job summary lists them.',
    );
    expect(list[0]?.place).toEqual({ file: 'web/package-lock.json', line: 42 });
    expect(annotations(result(rows, 'noncompliant'), 'never').every((a) => a.level === 'warning')).toBe(true);
  });

  it('sarif: rules and results that point at the lockfile line, or the SBOM file', () => {
    const r = result(
      [
        row(1, 'noncompliant', { origin: { file: 'package-lock.json', line: 9 } }),
        row(2, 'inconclusive'),
        row(3, 'compliant'),
      ],
      'noncompliant',
    );
    const doc = JSON.parse(sarif(r, '0.1.0'));
    const results = doc.runs[0].results;
    expect(results).toHaveLength(2);
    expect(results[0].locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'package-lock.json' },
      region: { startLine: 9 },
    });
    expect(results[1]).toMatchObject({ ruleId: 'proget/inconclusive', level: 'note' });
    expect(results[1].locations[0].physicalLocation.artifactLocation.uri).toBe('bom.json');
  });
});

describe('purls', () => {
  it('links to the package page the way ProGet writes it', () => {
    expect(packageUrl(SERVER, 'pkg:nuget/Newtonsoft.Json@13.0.3')).toBe(
      `${SERVER}/packages/from-purl?purl=pkg%3anuget%2fNewtonsoft.Json%4013.0.3`,
    );
  });

  it('names a package from its purl', () => {
    expect(parsePurl('pkg:npm/%40types/node@20.1.0')).toEqual({ name: '@types/node', version: '20.1.0' });
    expect(parsePurl('pkg:pypi/chardet@5.2.0?x=1')).toEqual({ name: 'chardet', version: '5.2.0' });
    expect(parsePurl('not a purl')).toEqual({ name: 'not a purl', version: '' });
  });
});

describe('the SBOM sent to ProGet', () => {
  it('names the project and build in metadata.component, whatever the files said, and keeps every component', () => {
    const read = parseSbomText(
      'in.json',
      JSON.stringify({
        bomFormat: 'CycloneDX',
        specVersion: '1.2',
        metadata: { component: { type: 'application', name: 'other', version: '0.0.0' } },
        components: [
          {
            type: 'library',
            name: 'lodash',
            version: '4.17.20',
            purl: 'pkg:npm/lodash@4.17.20',
            licenses: [{ license: { id: 'MIT' } }],
          },
          {
            type: 'library',
            group: '@types',
            name: 'node',
            version: '20.1.0',
            purl: 'pkg:npm/%40types/node@20.1.0',
            licenses: [{ expression: 'MIT OR Apache-2.0' }],
          },
        ],
      }),
    );
    const sent = composeSbom(read.components, { component: { name: 'app', version: '1.2.3' } });
    expect(sent.components).toEqual([]); // no lockfile origins
    const doc = JSON.parse(serializeSbom(sent));
    expect(doc.specVersion).toBe('1.6');
    expect(doc.metadata.component).toMatchObject({ name: 'app', version: '1.2.3' });
    const again = parseSbomText('out.json', serializeSbom(sent));
    const pairs = (list: typeof read.components) =>
      list.map((c) => `${c.purl} ${c.licenses.join(' ')}`).sort();
    expect(pairs(again.components)).toEqual(pairs(read.components));
    expect(pairs(again.components)).toEqual([
      'pkg:npm/%40types/node@20.1.0 MIT OR Apache-2.0',
      'pkg:npm/lodash@4.17.20 MIT',
    ]);
  });
});
