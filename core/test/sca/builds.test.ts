// client.sca projects and builds against the simulator: import, audit, promote, issues, comments, export.

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../../../test/sim/index.js';
import { SCA_KEYS } from '../../../test/sim/sca/seed.js';
import { ProGetClient, ProGetError, ValidationError } from '../../src/index.js';
import { tempDir } from '../helpers.js';
import { jsonSbom, VERDICT_PURLS, writeSbom, xmlSbom } from './fixtures.js';

let sim: SimulatorHandle;
let dir: string;
let removeDir: () => Promise<void>;
const client = (apiKey = 'demo-sca-key') =>
  new ProGetClient({ url: sim.url, apiKey, retries: 0, retryBaseDelayMs: 1 });

beforeAll(async () => {
  sim = await startSimulator({ seed: 'demo', apiKeys: SCA_KEYS });
  const t = await tempDir();
  dir = t.path;
  removeDir = t.remove;
});
afterAll(async () => {
  await sim.close();
  await removeDir();
});

describe('SBOM import and build audit', () => {
  it('imports a JSON SBOM, audits the build and reads every package verdict', async () => {
    const purls = Object.values(VERDICT_PURLS);
    const file = await writeSbom(dir, 'app.cdx.json', jsonSbom('web-app', '2.0.0', purls));
    const c = client();
    const result = await c.sca.builds.importSbom(file);
    expect(result.format).toBe('json');
    const imported = sim.requests().find((r) => r.url.startsWith('/api/sca/import'))!;
    expect(imported.url).toBe('/api/sca/import'); // no query string, as pgutil sends it
    expect(imported.headers['content-type']).toBe('application/json');
    expect(imported.headers['content-length']).toBe(String(result.size));

    const analysis = await c.sca.builds.audit('web-app', '2.0.0');
    expect(analysis).toMatchObject({
      analyzed: true,
      status: 'noncompliant',
      statusText: 'Noncompliant',
      totalPackages: purls.length,
      issueCount: 0,
      unresolvedIssueCount: 0,
    });
    expect(sim.requests().some((r) => r.url === '/api/sca/audit-build?project=web-app&build=2.0.0')).toBe(
      true,
    );

    const build = await c.sca.builds.get('web-app', '2.0.0');
    const verdicts = Object.fromEntries(build!.packages.map((p) => [p.purl, p.verdict]));
    expect(verdicts).toEqual({
      [VERDICT_PURLS.compliant]: 'compliant',
      [VERDICT_PURLS.warn]: 'warn',
      [VERDICT_PURLS.noncompliant]: 'noncompliant',
      [VERDICT_PURLS.license]: 'noncompliant',
      [VERDICT_PURLS.inconclusive]: 'inconclusive',
      [VERDICT_PURLS.malicious]: 'noncompliant',
    });
    const lodash = build!.packages.find((p) => p.purl === VERDICT_PURLS.noncompliant)!;
    expect(lodash.licenses).toEqual(['MIT']);
    expect(lodash.detail).toBe('because of Vulnerability (PGV-2123337).');
    expect(lodash.vulnerabilities[0]).toMatchObject({ id: 'PGV-2123337', score: 9.1, severity: 'critical' });
    expect(build!.viewUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/projects2\/builds\/build\?buildId=\d+$/);
    expect(build!.stage).toBe('Build');
  });

  it('imports pgutil-style XML (namespace 1.2) and each build status: compliant, warn, inconclusive', async () => {
    const c = client();
    const cases = [
      ['ok', [VERDICT_PURLS.compliant], 'compliant'],
      ['warned', [VERDICT_PURLS.compliant, VERDICT_PURLS.warn], 'warn'],
      ['unknown', [VERDICT_PURLS.warn, VERDICT_PURLS.inconclusive], 'inconclusive'],
    ] as const;
    for (const [name, purls, status] of cases) {
      const file = await writeSbom(dir, `${name}.xml`, xmlSbom(name, '1.0.0', [...purls]));
      expect((await c.sca.builds.importSbom(file)).format).toBe('xml');
      expect((await c.sca.builds.audit(name, '1.0.0')).status).toBe(status);
    }
    const xmlImport = sim
      .requests()
      .filter((r) => r.url === '/api/sca/import')
      .at(-1)!;
    expect(xmlImport.headers['content-type']).toBe('text/xml');
  });

  it('promotes through stages: issues for noncompliant and inconclusive packages in Test, resolved ones pass', async () => {
    const c = client();
    const file = await writeSbom(
      dir,
      'gate.json',
      jsonSbom('gate', '1.0.0', [
        VERDICT_PURLS.compliant,
        VERDICT_PURLS.noncompliant,
        VERDICT_PURLS.inconclusive,
      ]),
    );
    await c.sca.builds.importSbom(file);
    const integration = await c.sca.builds.promote('gate', '1.0.0', 'Integration');
    expect(integration).toMatchObject({ status: 'noncompliant', issueCount: 0 });
    const test = await c.sca.builds.promote('gate', '1.0.0', 'test');
    expect(test).toMatchObject({
      status: 'noncompliant',
      issueCount: 2,
      unresolvedIssueCount: 2,
      resolved: false,
    });
    expect(
      sim.requests().some((r) => r.url === '/api/sca/promote-build?project=gate&build=1.0.0&stage=test'),
    ).toBe(true);
    const issues = await c.sca.builds.issues('gate', '1.0.0');
    expect(issues.map((i) => [i.number, i.purl, i.resolved])).toEqual([
      [1, VERDICT_PURLS.noncompliant, false],
      [2, VERDICT_PURLS.inconclusive, false],
    ]);
    expect(issues[0]!.detail).toBe('because of Vulnerability (PGV-2123337).');
    await c.sca.builds.resolveIssue('gate', '1.0.0', 1);
    expect((await c.sca.builds.audit('gate', '1.0.0')).status).toBe('inconclusive');
    await c.sca.builds.resolveIssue('gate', '1.0.0', 2);
    expect(await c.sca.builds.audit('gate', '1.0.0')).toMatchObject({
      status: 'compliant',
      unresolvedIssueCount: 0,
    });
    // A deleted issue comes back at the next analysis.
    await c.sca.builds.deleteIssue('gate', '1.0.0', 1);
    await c.sca.builds.analyze('gate', '1.0.0');
    expect((await c.sca.builds.issues('gate', '1.0.0')).map((i) => i.number)).toEqual([2, 3]);
    expect((await c.sca.builds.get('gate', '1.0.0'))!.stage).toBe('Test');
  });

  it('an unknown stage and an unknown build are clear errors', async () => {
    const c = client();
    const stage = await c.sca.builds.promote('gate', '1.0.0', 'Nowhere').catch((e: unknown) => e);
    expect(stage).toBeInstanceOf(ProGetError);
    expect(stage).toMatchObject({ kind: 'bad-request', status: 400 });
    expect((stage as ProGetError).serverText).toContain('Stage "Nowhere" was not found');
    const missing = await c.sca.builds.audit('gate', '9.9.9').catch((e: unknown) => e);
    expect(missing).toMatchObject({ kind: 'not-found', status: 404 });
    expect((missing as ProGetError).hint).toContain('build 9.9.9');
    expect(await c.sca.builds.get('gate', '9.9.9')).toBeUndefined();
    await expect(c.sca.builds.list('no-such-project')).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('comments: add (create-info body), list, delete; numbers stay stable', async () => {
    const c = client();
    await c.sca.builds.addComment({ project: 'gate', version: '1.0.0', comment: 'First look' });
    await c.sca.builds.addComment({ project: 'gate', version: '1.0.0', comment: 'Second look', by: 'ci' });
    await c.sca.builds.addComment({ project: 'gate', version: '1.0.0', comment: 'Third' });
    await c.sca.builds.deleteComment('gate', '1.0.0', 2);
    const comments = await c.sca.builds.comments('gate', '1.0.0');
    expect(comments.map((x) => [x.number, x.comment])).toEqual([
      [1, 'First look'],
      [3, 'Third'],
    ]);
    expect(comments[0]!.by).toBe('SYSTEM');
    expect(comments[0]!.date).toMatch(/Z$/);
    await expect(
      c.sca.builds.addComment({ project: 'gate', version: '1.0.0', comment: ' ' }),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it('exports the SBOM as JSON and XML to a file', async () => {
    const c = client();
    const jsonPath = join(dir, 'export.json');
    const { size } = await c.sca.builds.exportSbom('gate', '1.0.0', jsonPath);
    const doc = JSON.parse(await readFile(jsonPath, 'utf8'));
    expect(size).toBeGreaterThan(100);
    expect(doc).toMatchObject({
      bomFormat: 'CycloneDX',
      specVersion: '1.4',
      metadata: { component: { name: 'gate' } },
    });
    expect(doc.components.map((x: { purl: string }) => x.purl)).toContain(VERDICT_PURLS.noncompliant);
    const xmlPath = join(dir, 'export.xml');
    await c.sca.builds.exportSbom('gate', '1.0.0', xmlPath, { format: 'xml' });
    expect(await readFile(xmlPath, 'utf8')).toMatch(/^\uFEFF<\?xml version="1.0" encoding="utf-8"\?>/);
    // A failed export leaves the target as it was.
    await writeFile(join(dir, 'keep.json'), 'old');
    await expect(c.sca.builds.exportSbom('gate', '7.7.7', join(dir, 'keep.json'))).rejects.toMatchObject({
      kind: 'not-found',
    });
    expect(await readFile(join(dir, 'keep.json'), 'utf8')).toBe('old');
  });

  it('projects and builds: list, get by name, save, archive, delete', async () => {
    const c = client();
    const projects = await c.sca.projects.list();
    expect(projects.map((p) => p.name)).toEqual(
      expect.arrayContaining(['proget-ci-demo', 'web-app', 'gate']),
    );
    expect(await c.sca.projects.get('WEB-APP')).toMatchObject({ name: 'web-app', type: 'application' });
    expect(await c.sca.projects.get('nope')).toBeUndefined();
    const saved = await c.sca.projects.save({ name: 'svc', url: 'https://example.test/svc' });
    expect(saved).toMatchObject({ name: 'svc', url: 'https://example.test/svc' });
    expect(saved.id).toBeGreaterThan(0);
    const build = await c.sca.builds.save({ project: 'svc', version: '0.1.0', stage: 'Integration' });
    expect(build).toMatchObject({
      project: 'svc',
      version: '0.1.0',
      active: true,
      stage: 'Integration',
      packages: [],
    });
    expect((await c.sca.builds.save({ project: 'svc', version: '0.1.0', active: false })).active).toBe(false);
    expect((await c.sca.builds.list('svc')).map((b) => b.version)).toEqual(['0.1.0']);
    await c.sca.builds.delete('svc', '0.1.0');
    expect(await c.sca.builds.list('svc')).toEqual([]);
    await c.sca.projects.delete('svc');
    expect(await c.sca.projects.get('svc')).toBeUndefined();
  });

  it('the seeded demo build has a package of every verdict and open issues', async () => {
    const build = await client().sca.builds.get('proget-ci-demo', '1.0.0');
    expect(new Set(build!.packages.map((p) => p.verdict))).toEqual(
      new Set(['compliant', 'warn', 'noncompliant', 'inconclusive']),
    );
    expect(build!.comments).toHaveLength(1);
    const issues = await client().sca.builds.issues('proget-ci-demo', '1.0.0');
    expect(issues.filter((i) => !i.resolved).length).toBeGreaterThanOrEqual(4);
  });

  it('falls back to /api/sca/releases where /api/sca/builds answers 404', async () => {
    sim.setFaults([{ method: 'GET', path: '/api/sca/builds', fault: { type: 'status', status: 404 } }]);
    try {
      const build = await client().sca.builds.get('gate', '1.0.0');
      expect(build?.version).toBe('1.0.0');
      expect(sim.requests().at(-1)!.url).toBe('/api/sca/releases?project=gate&version=1.0.0');
    } finally {
      sim.setFaults([]);
    }
  });
});

describe('bad input and permissions', () => {
  it('a missing, empty or non-JSON/XML SBOM file fails before any request, naming the file', async () => {
    const before = sim.requests().length;
    const c = client();
    const missing = await c.sca.builds.importSbom(join(dir, 'missing.json')).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ValidationError);
    expect((missing as Error).message).toContain('missing.json');
    const empty = await writeSbom(dir, 'empty.json', '');
    await expect(c.sca.builds.importSbom(empty)).rejects.toThrow(/empty\.json is empty/);
    const yaml = await writeSbom(dir, 'bom.yaml', 'bomFormat: CycloneDX\n');
    await expect(c.sca.builds.importSbom(yaml)).rejects.toThrow(/bom\.yaml is neither JSON nor XML/);
    await expect(c.sca.builds.audit('', '1')).rejects.toThrow(/project is required/);
    expect(sim.requests().length).toBe(before);
  });

  it("the server's 400 for a document that is not CycloneDX comes back as bad-request with its reason", async () => {
    const file = await writeSbom(dir, 'spdx.json', JSON.stringify({ spdxVersion: 'SPDX-2.3' }));
    const e = await client()
      .sca.builds.importSbom(file)
      .catch((x: unknown) => x);
    expect(e).toMatchObject({ kind: 'bad-request', status: 400 });
    expect((e as ProGetError).message).toContain('import the SBOM spdx.json');
    expect((e as ProGetError).serverText).toContain('bomFormat is not "CycloneDX"');
  });

  it('403 names the SCA privilege; the key never appears in the error', async () => {
    const e = await client('demo-sbom-key')
      .sca.builds.audit('gate', '1.0.0')
      .catch((x: unknown) => x);
    expect(e).toMatchObject({ kind: 'forbidden', status: 403 });
    expect((e as ProGetError).hint).toContain('Manage SCA');
    expect(JSON.stringify({ ...(e as object), m: (e as Error).message })).not.toContain('demo-sbom-key');
    // The upload-only key may import.
    const file = await writeSbom(
      dir,
      'upload-only.json',
      jsonSbom('upload-only', '1.0.0', [VERDICT_PURLS.compliant]),
    );
    await expect(client('demo-sbom-key').sca.builds.importSbom(file)).resolves.toMatchObject({
      format: 'json',
    });
  });
});
