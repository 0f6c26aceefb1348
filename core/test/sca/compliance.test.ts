// client.sca vulnerabilities, package compliance (metadata, audit, status) and licenses against the
// simulator: every verdict, assessments old and new, the legacy license list.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../../../test/sim/index.js';
import { ProGetClient, ProGetError, ValidationError } from '../../src/index.js';
import { VERDICT_PURLS } from './fixtures.js';

let sim: SimulatorHandle;
const client = () => new ProGetClient({ url: sim.url, apiKey: 'demo-admin-key', retries: 0 });

beforeAll(async () => {
  sim = await startSimulator({
    seed: 'demo',
    feeds: [
      { name: 'npm-feed', feedType: 'npm' },
      { name: 'pypi-feed', feedType: 'pypi' },
    ],
  });
});
afterAll(() => sim.close());

describe('vulnerabilities', () => {
  it('audits packages: one entry per vulnerability, affected packages resolved from the indexes', async () => {
    const request = [
      { type: 'npm', name: 'lodash', version: '4.17.20' },
      { type: 'npm', name: 'semver', version: '7.5.1' },
      { type: 'npm', name: 'lodash', version: '4.17.21' },
      { type: 'npm', name: 'semver', version: '6.3.0' },
    ];
    const vulns = await client().sca.vulnerabilities.audit(request);
    expect(vulns.map((v) => [v.id, v.severity, v.affectedIndexes])).toEqual([
      ['PGV-2123337', 'critical', [0]],
      ['PGV-2225883', 'medium', [1, 3]],
    ]);
    expect(vulns[1]!.affected).toEqual([request[1], request[3]]);
    expect(vulns[0]).toMatchObject({
      cve: 'CVE-2021-23337',
      score: 9.1,
      published: '2021-02-15T13:15:12.000Z',
    });
    expect(
      await client().sca.vulnerabilities.audit([{ type: 'nuget', name: 'CsvHelper', version: '30.0.1' }]),
    ).toEqual([]);
    expect(await client().sca.vulnerabilities.audit([])).toEqual([]);
    await expect(
      client().sca.vulnerabilities.audit([{ type: 'npm', name: '', version: '1' }]),
    ).rejects.toThrow(/package 1: name is required/);
  });

  it('assessments change the verdict: contain, then the old name "ignore"; an unknown type is a 400', async () => {
    const c = client();
    const semver = { purl: VERDICT_PURLS.warn };
    expect((await c.sca.packages.metadata('npm-feed', semver))!.verdict).toBe('warn');
    await c.sca.vulnerabilities.assess({
      id: 'PGV-2225883',
      type: 'contain',
      comment: 'not in our code path? no',
    });
    const contained = await c.sca.packages.metadata('npm-feed', semver);
    expect(contained!.verdict).toBe('noncompliant');
    expect(contained!.vulnerabilities[0]!.assessments[0]).toMatchObject({
      type: 'Contain',
      blocked: true,
      by: 'SYSTEM',
    });
    await c.sca.vulnerabilities.assess({ id: 'PGV-2225883', type: 'Ignore', comment: '  ' });
    expect((await c.sca.packages.metadata('npm-feed', semver))!.verdict).toBe('compliant');
    const sent = sim.requests().filter((r) => r.url.startsWith('/api/sca/assess'));
    expect(sent.map((r) => r.url)).toEqual([
      '/api/sca/assess?id=PGV-2225883&type=contain&comment=not%20in%20our%20code%20path%3F%20no',
      '/api/sca/assess?id=PGV-2225883&type=Ignore',
    ]);
    const e = await c.sca.vulnerabilities
      .assess({ id: 'PGV-2225883', type: 'shrug' })
      .catch((x: unknown) => x);
    expect(e).toMatchObject({ kind: 'bad-request', status: 400 });
    await c.sca.vulnerabilities.assess({ id: 'PGV-2225883', type: 'remediate' });
  });
});

describe('package compliance', () => {
  it('metadata shows every verdict: compliant, warn, noncompliant (vulnerability and license), inconclusive, blocked', async () => {
    const c = client();
    const verdict = async (feed: string, purl: string) =>
      (await c.sca.packages.metadata(feed, { purl }))?.verdict;
    expect(await verdict('npm-feed', VERDICT_PURLS.compliant)).toBe('compliant');
    expect(await verdict('npm-feed', VERDICT_PURLS.warn)).toBe('warn');
    expect(await verdict('npm-feed', VERDICT_PURLS.noncompliant)).toBe('noncompliant');
    expect(await verdict('pypi-feed', VERDICT_PURLS.license)).toBe('noncompliant');
    expect(await verdict('pypi-feed', 'pkg:pypi/chardet@5.2.0')).toBe('warn');
    expect(await verdict('npm-feed', VERDICT_PURLS.inconclusive)).toBe('inconclusive');
    expect(await verdict('npm-feed', VERDICT_PURLS.malicious)).toBe('blocked');
    const lodash = await c.sca.packages.metadata('npm-feed', { name: 'lodash', version: '4.17.20' });
    expect(lodash).toMatchObject({
      name: 'lodash',
      version: '4.17.20',
      state: 'Remote',
      licenses: [{ code: 'MIT', title: 'MIT License' }],
      allowDownload: true,
      listed: true,
      deprecated: false,
      compliance: {
        verdict: 'noncompliant',
        result: 'Noncompliant',
        issues: ['Vulnerability (PGV-2123337)'],
      },
    });
    expect(lodash!.vulnerabilities[0]).toMatchObject({ id: 'PGV-2123337', score: 9.1, severity: 'critical' });
  });

  it('metadata of a local package (the demo NuGet feed) and of an unknown one', async () => {
    const c = client();
    const local = await c.sca.packages.metadata('nuget-feed', { name: 'Newtonsoft.Json', version: '13.0.3' });
    expect(local).toMatchObject({
      state: 'Local',
      verdict: 'compliant',
      published: '2023-03-08T07:42:54.647Z',
    });
    expect(await c.sca.packages.metadata('nuget-feed', { name: 'Nope', version: '1.0.0' })).toBeUndefined();
    await expect(c.sca.packages.metadata('nuget-feed', { purl: 'lodash@1' })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('audit reads statusText, whatever resultCode says', async () => {
    const c = client();
    expect(await c.sca.packages.audit('npm-feed', { purl: VERDICT_PURLS.compliant })).toMatchObject({
      verdict: 'compliant',
      statusText: 'Compliant',
      resultCode: 'C',
    });
    const bad = await c.sca.packages.audit('pypi-feed', { name: 'pyqt5', version: '5.15.9' });
    expect(bad).toMatchObject({
      verdict: 'noncompliant',
      detail: 'because of License GPL-3.0-only is blocked by policy.',
    });
    expect(sim.requests().at(-1)!.url).toBe('/api/packages/pypi-feed/audit?name=pyqt5&version=5.15.9');
  });

  it('status: block downloads (verdict blocked), then reset the override with allow: null', async () => {
    const c = client();
    const id = { purl: VERDICT_PURLS.compliant };
    await c.sca.packages.setStatus('npm-feed', id, {
      allow: false,
      deprecated: true,
      deprecationReason: 'Legacy',
    });
    expect(await c.sca.packages.metadata('npm-feed', id)).toMatchObject({
      verdict: 'blocked',
      allowDownload: false,
      deprecated: true,
    });
    await c.sca.packages.setStatus('npm-feed', id, { allow: null });
    expect((await c.sca.packages.metadata('npm-feed', id))!.verdict).toBe('compliant');
    await expect(c.sca.packages.setStatus('npm-feed', id, {})).rejects.toThrow(/nothing to change/);
  });

  it('a key without rights on the feed gets forbidden', async () => {
    const c = new ProGetClient({ url: sim.url, apiKey: 'wrong-key', retries: 0 });
    const e = await c.sca.packages
      .metadata('npm-feed', { purl: VERDICT_PURLS.compliant })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ProGetError);
    expect(e).toMatchObject({ kind: 'forbidden', status: 403 });
  });
});

describe('licenses', () => {
  it('lists licenses, and falls back to the legacy management list (licenseId) where the first is missing', async () => {
    const list = await client().sca.licenses.list();
    expect(list.find((l) => l.code === 'MIT')).toMatchObject({
      title: 'MIT License',
      spdx: ['MIT'],
      urls: ['https://spdx.org/licenses/MIT.html'],
    });
    sim.setFaults([{ path: '/api/licenses/list', fault: { type: 'status', status: 404 } }]);
    try {
      const legacy = await client().sca.licenses.list();
      expect(legacy[0]).toMatchObject({ code: '0BSD', title: 'BSD Zero Clause License' });
      expect(sim.requests().at(-1)!.url).toBe('/api/management/licenses/list');
    } finally {
      sim.setFaults([]);
    }
  });
});
