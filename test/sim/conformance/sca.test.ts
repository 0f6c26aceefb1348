// sca-api-notes §1 and §3–6: the notes' requests and examples as curl and pgutil send them.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../index.js';
import { SCA_KEYS } from '../sca/seed.js';
import { ADMIN, key, raw } from '../testing.js';

// biome-ignore lint/suspicious/noExplicitAny: JSON documents read field by field in assertions
type Json = Record<string, any>;

const SCA = key('demo-sca-key');

/** The pgutil BomWriter document (namespace 1.2, unindented). */
const PGUTIL_XML =
  '<?xml version="1.0" encoding="utf-8"?><bom serialNumber="urn:uuid:0123456789abcdef0123456789abcdef" version="1" xmlns="http://cyclonedx.org/schema/bom/1.2"><metadata><timestamp>2026-01-05T10:00:00.0000000Z</timestamp><component type="library"><name>myProject</name><version>1.2.3</version></component></metadata><components><component type="library"><name>CsvHelper</name><version>30.0.1</version><purl>pkg:nuget/CsvHelper@30.0.1</purl></component><component type="library"><name>Newtonsoft.Json</name><version>12.0.3</version><purl>pkg:nuget/Newtonsoft.Json@12.0.3</purl></component></components></bom>';

function jsonBom(name: string, version: string, purls: string[], extra: Record<string, unknown> = {}) {
  return JSON.stringify({
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    metadata: { component: { type: 'application', name, version, supplier: { name: 'ACME' } } },
    components: purls.map((purl) => ({ type: 'library', name: purl, purl })),
    ...extra,
  });
}

describe('SCA conformance', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startSimulator({
      seed: 'demo',
      apiKeys: SCA_KEYS,
      feeds: [{ name: 'npm-feed', feedType: 'npm' }],
    });
  });
  afterAll(() => sim.close());

  it('curl -X POST -H "Content-Type: text/xml" -d @sbom.xml /api/sca/import: 200, project and build from the document', async () => {
    const r = await raw(sim.url, 'POST', '/api/sca/import', {
      headers: { ...SCA, 'Content-Type': 'text/xml' },
      body: PGUTIL_XML,
    });
    expect(r.status).toBe(200);
    expect(r.text).toBe('');
    expect(r.headers['x-proget-version']).toBe('24.0.39.3');
    expect(r.headers['x-proget-edition']).toBe('enterprise');
    const b = await raw(sim.url, 'GET', '/api/sca/builds?project=myProject&version=1.2.3', { headers: SCA });
    const build = b.json<{ packages: { purl: string; compliance: { result: string; detail?: string } }[] }>();
    expect(build.packages.map((p) => [p.purl, p.compliance.result])).toEqual([
      ['pkg:nuget/CsvHelper@30.0.1', 'Compliant'],
      ['pkg:nuget/Newtonsoft.Json@12.0.3', 'Noncompliant'],
    ]);
    expect(build.packages[1]!.compliance.detail).toBe(' because of Vulnerability (PGV-2245804).');
  });

  it('JSON import reads nested components and skips components without a purl; re-import replaces', async () => {
    const doc = JSON.stringify({
      bomFormat: 'CycloneDX',
      specVersion: '1.5',
      metadata: { component: { name: 'nested', version: '1.0.0' } },
      components: [
        {
          type: 'library',
          name: 'a',
          purl: 'pkg:npm/lodash@4.17.21',
          components: [{ name: 'b', purl: 'pkg:npm/semver@7.5.1' }],
        },
        { type: 'file', name: 'README.md' },
      ],
    });
    const h = { ...SCA, 'Content-Type': 'application/json; charset=utf-8' };
    expect((await raw(sim.url, 'POST', '/api/sca/import', { headers: h, body: doc })).status).toBe(200);
    const audit = await raw(sim.url, 'POST', '/api/sca/audit-build?project=nested&build=1.0.0', {
      headers: SCA,
    });
    expect(audit.json()).toMatchObject({ statusCode: 'W', statusText: 'Warn', totalPackages: 2 });
    await raw(sim.url, 'POST', '/api/sca/import', {
      headers: h,
      body: jsonBom('nested', '1.0.0', ['pkg:npm/lodash@4.17.21']),
    });
    const again = await raw(sim.url, 'POST', '/api/sca/audit-build?project=nested&version=1.0.0', {
      headers: SCA,
    });
    expect(again.json()).toMatchObject({ statusCode: 'C', statusText: 'Compliant', totalPackages: 1 });
  });

  it('XML as cyclonedx-npm writes 1.5: tools as components, a supplier before the name, escaped purls', async () => {
    const doc = `<?xml version="1.0" encoding="UTF-8"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.5" serialNumber="urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427" version="1">
  <metadata>
    <tools>
      <components>
        <component type="application"><vendor>@cyclonedx</vendor><name>cyclonedx-npm</name><version>1.19.0</version></component>
      </components>
    </tools>
    <component type="application" bom-ref="root">
      <supplier><name>ACME &amp; Co</name></supplier>
      <group>@acme</group>
      <name>web-ui</name>
      <version>3.1.0</version>
      <purl>pkg:npm/%40acme/web-ui@3.1.0</purl>
    </component>
  </metadata>
  <components>
    <component type="library" bom-ref="a"><name>lodash</name><version>4.17.21</version><purl>pkg:npm/lodash@4.17.21</purl></component>
    <component type="library" bom-ref="b"><group>@types</group><name>node</name><version>20.0.0</version><purl>pkg:npm/%40types/node@20.0.0?foo=1&amp;bar=2</purl></component>
  </components>
  <dependencies><dependency ref="root"><dependency ref="a"/></dependency></dependencies>
</bom>
`;
    const r = await raw(sim.url, 'POST', '/api/sca/import', {
      headers: { ...SCA, 'Content-Type': 'application/xml' },
      body: doc,
    });
    expect(r.status).toBe(200);
    const build = (
      await raw(sim.url, 'GET', '/api/sca/builds?project=web-ui&version=3.1.0', { headers: SCA })
    ).json<{ packages: { purl: string }[] }>();
    expect(build.packages.map((p) => p.purl)).toEqual([
      'pkg:npm/lodash@4.17.21',
      'pkg:npm/%40types/node@20.0.0?foo=1&bar=2',
    ]);
  });

  it('invalid SBOMs: 400 with a reason; a bad key: 403 with an empty body', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['application/json', '{"spdxVersion":"SPDX-2.3"}', /bomFormat is not "CycloneDX"/],
      [
        'application/json',
        '{"bomFormat":"CycloneDX","specVersion":"1.1"}',
        /CycloneDX 1\.1 is not supported/,
      ],
      ['application/json', '{not json', /malformed JSON/],
      ['text/xml', '<spdx/>', /no <bom> root element/],
      ['application/json', jsonBom('', '', []), /metadata\.component must have a name and a version/],
    ];
    for (const [type, body, reason] of cases) {
      const r = await raw(sim.url, 'POST', '/api/sca/import', {
        headers: { ...SCA, 'Content-Type': type },
        body,
      });
      expect(r.status, body).toBe(400);
      expect(r.text, body).toMatch(reason);
    }
    const denied = await raw(sim.url, 'POST', '/api/sca/import', {
      headers: { 'X-ApiKey': 'nope', 'Content-Type': 'text/xml' },
      body: PGUTIL_XML,
    });
    expect(denied.status).toBe(403);
    expect(denied.text).toBe('');
    expect(denied.headers['x-proget-edition']).toBe('enterprise');
  });

  it('?project=&version= on import are ignored by default (UNVERIFIED), honoured when configured', async () => {
    const body = jsonBom('from-doc', '1.0.0', ['pkg:npm/lodash@4.17.21']);
    const h = { ...SCA, 'Content-Type': 'application/json' };
    await raw(sim.url, 'POST', '/api/sca/import?project=from-query&version=9.0.0', { headers: h, body });
    expect((await raw(sim.url, 'GET', '/api/sca/projects?name=from-doc', { headers: SCA })).status).toBe(200);
    expect((await raw(sim.url, 'GET', '/api/sca/projects?name=from-query', { headers: SCA })).status).toBe(
      404,
    );
    const other = await startSimulator({ seed: 'demo', sca: { importQueryOverrides: true } });
    try {
      await raw(other.url, 'POST', '/api/sca/import?project=from-query&version=9.0.0', {
        headers: { ...ADMIN, 'Content-Type': 'application/json' },
        body,
      });
      expect(
        (await raw(other.url, 'GET', '/api/sca/builds?project=from-query&version=9.0.0', { headers: ADMIN }))
          .status,
      ).toBe(200);
    } finally {
      await other.close();
    }
  });

  it("GET /api/sca/export: the docs' JSON and XML shapes", async () => {
    const j = await raw(sim.url, 'GET', '/api/sca/export?project=myProject&version=1.2.3&format=json', {
      headers: SCA,
    });
    expect(j.status).toBe(200);
    const doc = j.json<Json>();
    expect(doc).toMatchObject({
      bomFormat: 'CycloneDX',
      specVersion: '1.4',
      metadata: {
        tools: [{ vendor: 'Inedo', name: 'ProGet' }],
        component: { type: 'library', name: 'myProject', version: '1.2.3', licenses: [] },
      },
    });
    expect(doc.components[1]).toEqual({
      type: 'library',
      name: 'Newtonsoft.Json',
      version: '12.0.3',
      licenses: [{ license: { id: 'MIT' } }],
      purl: 'pkg:nuget/Newtonsoft.Json@12.0.3',
      externalReferences: [
        { url: `${sim.url}/packages/from-purl?purl=pkg%3anuget%2fNewtonsoft.Json%4012.0.3`, type: 'website' },
      ],
    });
    const x = await raw(sim.url, 'GET', '/api/sca/export?project=myProject&version=1.2.3&format=xml', {
      headers: SCA,
    });
    expect(x.text.startsWith('\uFEFF<?xml version="1.0" encoding="utf-8"?>\n<bom xmlns:xsi=')).toBe(true);
    expect(x.text).toContain('xmlns="http://cyclonedx.org/schema/bom/1.4">');
    expect(x.text).toContain('<component type="library">');
    expect(x.text).toMatch(/<timestamp>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z<\/timestamp>/);
    expect(x.text).toContain('        <reference type="website">');
    expect(
      (
        await raw(sim.url, 'GET', '/api/sca/export?project=myProject&version=0.0.0&format=json', {
          headers: SCA,
        })
      ).status,
    ).toBe(404);
    // A project without a type: "null" in JSON, "Null" in XML, as the docs' examples show.
    const h = { ...SCA, 'Content-Type': 'application/json' };
    await raw(sim.url, 'POST', '/api/sca/projects', { headers: h, body: '{"name":"typeless"}' });
    await raw(sim.url, 'POST', '/api/sca/builds', {
      headers: h,
      body: '{"project":"typeless","version":"1.0.0"}',
    });
    const tj = await raw(sim.url, 'GET', '/api/sca/export?project=typeless&version=1.0.0&format=json', {
      headers: SCA,
    });
    expect(tj.json<Json>().metadata.component.type).toBe('null');
    const tx = await raw(sim.url, 'GET', '/api/sca/export?project=typeless&version=1.0.0&format=xml', {
      headers: SCA,
    });
    expect(tx.text).toContain('<component type="Null">');
  });

  it('audit-build answers BuildAnalysisResults with build= and the older version=; 404 for an unknown build', async () => {
    for (const q of ['build', 'version']) {
      const r = await raw(sim.url, 'POST', `/api/sca/audit-build?project=myProject&${q}=1.2.3`, {
        headers: SCA,
      });
      expect(r.status).toBe(200);
      const a = r.json<Record<string, unknown>>();
      expect(Object.keys(a).sort()).toEqual([
        'issueCount',
        'lastAnalyzedDate',
        'statusCode',
        'statusText',
        'totalPackages',
        'unresolvedIssueCount',
      ]);
      expect(a).toMatchObject({ statusCode: 'N', statusText: 'Noncompliant', totalPackages: 2 });
      expect(a.lastAnalyzedDate).toMatch(/Z$/);
    }
    expect(
      (await raw(sim.url, 'POST', '/api/sca/audit-build?project=myProject&build=0.0.1', { headers: SCA }))
        .status,
    ).toBe(404);
    expect(
      (await raw(sim.url, 'POST', '/api/sca/audit-build?project=myProject', { headers: SCA })).status,
    ).toBe(400);
    expect(
      (await raw(sim.url, 'POST', '/api/sca/analyze-build?project=myProject&version=1.2.3', { headers: SCA }))
        .status,
    ).toBe(200);
  });

  it('promote-build with build= (pgutil) and version= (docs); issues in Test; archives beyond keep; unknown stage 400', async () => {
    const h = { ...SCA, 'Content-Type': 'application/json' };
    for (const v of ['1.0.0', '1.1.0']) {
      await raw(sim.url, 'POST', '/api/sca/import', {
        headers: h,
        body: jsonBom('svc', v, ['pkg:npm/lodash@4.17.20']),
      });
    }
    const p1 = await raw(sim.url, 'POST', '/api/sca/promote-build?project=svc&build=1.0.0&stage=Production', {
      headers: SCA,
    });
    expect(p1.json()).toMatchObject({ statusCode: 'N', issueCount: 1, unresolvedIssueCount: 1 });
    const p2 = await raw(
      sim.url,
      'POST',
      '/api/sca/promote-build?project=svc&version=1.1.0&stage=production',
      { headers: SCA },
    );
    expect(p2.status).toBe(200);
    const list = (await raw(sim.url, 'GET', '/api/sca/builds?project=svc', { headers: SCA })).json<
      { version: string; active: boolean; stage: string }[]
    >();
    expect(list.map((b) => [b.version, b.stage, b.active])).toEqual([
      ['1.0.0', 'Production', false],
      ['1.1.0', 'Production', true],
    ]);
    const bad = await raw(sim.url, 'POST', '/api/sca/promote-build?project=svc&build=1.1.0&stage=Moon', {
      headers: SCA,
    });
    expect(bad.status).toBe(400);
    expect(
      (
        await raw(sim.url, 'POST', '/api/sca/promote-build?project=svc&build=7.0.0&stage=Test', {
          headers: SCA,
        })
      ).status,
    ).toBe(404);
  });

  it('projects: GET list, ?name= (pgutil) and ?project= (docs), POST upsert with id, DELETE', async () => {
    const post = await raw(sim.url, 'POST', '/api/sca/projects', {
      headers: { ...SCA, 'Content-Type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ name: 'myApplication', type: 'Application' }),
    });
    expect(post.json()).toMatchObject({ name: 'myApplication', type: 'Application' });
    const id = post.json<{ id: number }>().id;
    expect(
      (await raw(sim.url, 'GET', '/api/sca/projects?name=myApplication', { headers: SCA })).json(),
    ).toEqual({ id, name: 'myApplication', type: 'Application' });
    expect(
      (await raw(sim.url, 'GET', '/api/sca/projects?project=myapplication', { headers: SCA })).json(),
    ).toMatchObject({ id });
    const all = (await raw(sim.url, 'GET', '/api/sca/projects', { headers: SCA })).json<{ name: string }[]>();
    expect(all.map((p) => p.name)).toContain('myApplication');
    expect(
      (await raw(sim.url, 'DELETE', '/api/sca/projects?name=myApplication', { headers: SCA })).status,
    ).toBe(200);
    expect((await raw(sim.url, 'GET', '/api/sca/projects?name=myApplication', { headers: SCA })).status).toBe(
      404,
    );
  });

  it('builds and releases: both paths; a 2023 server sends viewReleaseUrl/viewIssuesUrl on /releases', async () => {
    const b = await raw(sim.url, 'GET', '/api/sca/builds?project=myProject&version=1.2.3', { headers: SCA });
    const r = await raw(sim.url, 'GET', '/api/sca/releases?project=myProject&version=1.2.3', {
      headers: SCA,
    });
    expect(r.json()).toEqual(b.json());
    expect(b.json<Record<string, unknown>>().viewBuildUrl).toMatch(
      /\/projects2\/builds\/build\?buildId=\d+$/,
    );
    expect((await raw(sim.url, 'GET', '/api/sca/builds?project=nope', { headers: SCA })).status).toBe(404);
    const old = await startSimulator({ seed: 'demo', versionMode: '2023' });
    try {
      await raw(old.url, 'POST', '/api/sca/releases', {
        headers: { ...ADMIN, 'Content-Type': 'application/json' },
        body: '{"project":"proget-ci-demo","version":"1.2.3","active":false}',
      }).then((x) => {
        expect(x.json()).toMatchObject({ version: '1.2.3', active: false });
        expect(x.json<Record<string, string>>().viewReleaseUrl).toMatch(
          /\/projects\/release\?projectReleaseId=\d+$/,
        );
        expect(x.json<Record<string, string>>().viewIssuesUrl).toMatch(
          /\/projects\/release\/issues\?projectReleaseId=\d+$/,
        );
      });
    } finally {
      await old.close();
    }
  });

  it('issues: empty array when none, resolve, delete (and it comes back at the next analysis)', async () => {
    expect(
      (await raw(sim.url, 'GET', '/api/sca/issues?project=myProject&version=1.2.3', { headers: SCA })).json(),
    ).toEqual([]);
    await raw(sim.url, 'POST', '/api/sca/promote-build?project=myProject&build=1.2.3&stage=Test', {
      headers: SCA,
    });
    const issues = (
      await raw(sim.url, 'GET', '/api/sca/issues?project=myProject&version=1.2.3', { headers: SCA })
    ).json<Record<string, unknown>[]>();
    expect(issues).toEqual([
      {
        number: 1,
        created: expect.any(String),
        detail: ' because of Vulnerability (PGV-2245804).',
        purl: 'pkg:nuget/Newtonsoft.Json@12.0.3',
        resolved: false,
      },
    ]);
    expect(
      (
        await raw(sim.url, 'POST', '/api/sca/issues?project=myProject&version=1.2.3&number=1&resolve=true', {
          headers: SCA,
        })
      ).status,
    ).toBe(200);
    const audit = await raw(sim.url, 'POST', '/api/sca/audit-build?project=myProject&build=1.2.3', {
      headers: SCA,
    });
    expect(audit.json()).toMatchObject({ statusCode: 'C', issueCount: 1, unresolvedIssueCount: 0 });
    expect(
      (
        await raw(sim.url, 'DELETE', '/api/sca/issues?project=myProject&version=1.2.3&number=1', {
          headers: SCA,
        })
      ).status,
    ).toBe(200);
    await raw(sim.url, 'POST', '/api/sca/audit-build?project=myProject&build=1.2.3', { headers: SCA });
    const back = (
      await raw(sim.url, 'GET', '/api/sca/issues?project=myProject&version=1.2.3', { headers: SCA })
    ).json<{ number: number; resolved: boolean }[]>();
    expect(back.map((i) => [i.number, i.resolved])).toEqual([[2, false]]);
    // The view-only key may list, not resolve.
    const view = key('demo-sca-view-key');
    expect(
      (await raw(sim.url, 'GET', '/api/sca/issues?project=myProject&version=1.2.3', { headers: view }))
        .status,
    ).toBe(200);
    expect(
      (
        await raw(sim.url, 'POST', '/api/sca/issues?project=myProject&version=1.2.3&number=2&resolve=true', {
          headers: view,
        })
      ).status,
    ).toBe(403);
  });

  it('comments: POST BuildCommentCreateInfo, GET list, DELETE keeps the other numbers', async () => {
    const h = { ...SCA, 'Content-Type': 'application/json; charset=utf-8' };
    for (const comment of ['I am a new comment.', 'I am a newer comment.', 'Third.']) {
      const r = await raw(sim.url, 'POST', '/api/sca/comments', {
        headers: h,
        body: JSON.stringify({ project: 'myProject', version: '1.2.3', comment, by: 'proget' }),
      });
      expect(r.status).toBe(200);
    }
    expect(
      (
        await raw(sim.url, 'DELETE', '/api/sca/comments?project=myProject&version=1.2.3&number=2', {
          headers: SCA,
        })
      ).status,
    ).toBe(200);
    const list = (
      await raw(sim.url, 'GET', '/api/sca/comments?project=myProject&version=1.2.3', { headers: SCA })
    ).json<Record<string, unknown>[]>();
    expect(list.map((c) => [c.number, c.by, c.comment])).toEqual([
      [1, 'proget', 'I am a new comment.'],
      [3, 'proget', 'Third.'],
    ]);
    expect(
      (await raw(sim.url, 'GET', '/api/sca/comments?project=myProject&version=0.0.0', { headers: SCA }))
        .status,
    ).toBe(404);
  });

  it("POST /api/sca/audit-package-vulns: the docs' example made valid; indexes into the request; [] for no match", async () => {
    const h = { ...SCA, 'Content-Type': 'application/json' };
    const body = JSON.stringify([
      { name: 'Newtonsoft.Json', version: '12.0.3', type: 'nuget' },
      { name: 'semver', version: '6.3.0', type: 'npm' },
      { name: 'semver', version: '7.5.1', type: 'npm' },
    ]);
    const r = await raw(sim.url, 'POST', '/api/sca/audit-package-vulns', { headers: h, body });
    expect(r.json()).toEqual([
      {
        id: 'PGV-2245804',
        affectedPackages: [0],
        summary: 'Improper Handling of Exceptional Conditions in Newtonsoft.Json',
        published: '2022-06-22T15:08:47Z',
        details: expect.any(String),
        cve: 'CVE-2024-21907',
        cvss: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H',
        numericCvss: 7.5,
        severity: 'High',
      },
      expect.objectContaining({ id: 'PGV-2225883', affectedPackages: [1, 2], severity: 'Medium' }),
    ]);
    const none = await raw(sim.url, 'POST', '/api/sca/audit-package-vulns', {
      headers: h,
      body: '[{"type":"nuget","name":"CsvHelper","version":"30.0.1"}]',
    });
    expect(none.json()).toEqual([]);
    // The docs' literal example is not JSON: refused.
    const literal = await raw(sim.url, 'POST', '/api/sca/audit-package-vulns', {
      headers: h,
      body: '[{ "name": myPackage "version": 1.2.3 "type": "nuget" }]',
    });
    expect(literal.status).toBe(400);
  });

  it('POST /api/sca/assess: 2026 names and pre-2026 aliases, case-insensitive; missing or unknown arguments 400', async () => {
    const ok = await raw(sim.url, 'POST', '/api/sca/assess?id=PGV-2245804&type=contain&comment=Not%20used', {
      headers: SCA,
    });
    expect(ok.status).toBe(200);
    expect(
      (await raw(sim.url, 'POST', '/api/sca/assess?id=pgv-2245804&type=Caution', { headers: SCA })).status,
    ).toBe(200);
    expect((await raw(sim.url, 'POST', '/api/sca/assess?id=PGV-2245804', { headers: SCA })).status).toBe(400);
    expect(
      (await raw(sim.url, 'POST', '/api/sca/assess?id=PGV-0&type=monitor', { headers: SCA })).status,
    ).toBe(400);
    await raw(sim.url, 'POST', '/api/sca/audit-build?project=myProject&build=1.2.3', { headers: SCA });
    const b = (
      await raw(sim.url, 'GET', '/api/sca/builds?project=myProject&version=1.2.3', { headers: SCA })
    ).json<{ packages: { vulnerabilities: { assessment?: string }[] }[] }>();
    // A 2024 server names the assessment the old way.
    expect(b.packages[1]!.vulnerabilities[0]!.assessment).toBe('Caution');
    const strict = await startSimulator({ seed: 'demo', sca: { assessAliases: false } });
    try {
      expect(
        (await raw(strict.url, 'POST', '/api/sca/assess?id=PGV-2245804&type=blocked', { headers: ADMIN }))
          .status,
      ).toBe(400);
    } finally {
      await strict.close();
    }
  });

  it('GET /api/packages/{feed}/metadata by purl or name/version: allowDownload always a boolean', async () => {
    const r = await raw(
      sim.url,
      'GET',
      '/api/packages/nuget-feed/metadata?purl=pkg:nuget/Newtonsoft.Json@13.0.3',
      { headers: ADMIN },
    );
    expect(r.status).toBe(200);
    const m = r.json<Json>();
    expect(m).toMatchObject({
      name: 'Newtonsoft.Json',
      version: '13.0.3',
      state: 'Local',
      licenses: [{ code: 'MIT', title: 'MIT License' }],
      complianceReport: { analysisResult: 'Compliant', issues: [] },
      status: { deprecated: false, listed: true, allowDownload: true },
    });
    const scoped = await raw(
      sim.url,
      'GET',
      '/api/packages/npm-feed/metadata?name=event-stream&version=3.3.6',
      { headers: ADMIN },
    );
    expect(scoped.json<Json>().status.allowDownload).toBe(false);
    expect(
      (
        await raw(sim.url, 'GET', '/api/packages/nuget-feed/metadata?name=Nope&version=1.0.0', {
          headers: ADMIN,
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await raw(sim.url, 'GET', '/api/packages/nuget-feed/metadata?name=Newtonsoft.Json', {
          headers: ADMIN,
        })
      ).status,
    ).toBe(400);
    const denied = await raw(
      sim.url,
      'GET',
      '/api/packages/nuget-feed/metadata?name=Newtonsoft.Json&version=13.0.3',
      { headers: key('nope') },
    );
    expect(denied.status).toBe(403);
    expect(denied.text).toBe(
      'The specified API key does not have the proper permissions to perform this action.',
    );
  });

  it('POST /api/packages/{feed}/audit: a letter resultCode and statusText (or null when configured)', async () => {
    const r = await raw(sim.url, 'POST', '/api/packages/npm-feed/audit?purl=pkg:npm/lodash@4.17.20', {
      headers: ADMIN,
    });
    expect(r.json()).toEqual({
      resultCode: 'N',
      analysisDate: expect.stringMatching(/Z$/),
      detail: ' because of Vulnerability (PGV-2123337).',
      statusText: 'Noncompliant',
    });
    const nulls = await startSimulator({ seed: 'demo', sca: { auditResultCode: 'null' } });
    try {
      const n = await raw(
        nulls.url,
        'POST',
        '/api/packages/nuget-feed/audit?name=Newtonsoft.Json&version=13.0.3',
        { headers: ADMIN },
      );
      expect(n.json()).toMatchObject({ resultCode: null, statusText: 'Compliant' });
    } finally {
      await nulls.close();
    }
  });

  it("POST|PUT /api/packages/{feed}/status: the docs' example (trailing comma and all); only given properties change", async () => {
    const path = '/api/packages/nuget-feed/status?name=Newtonsoft.Json&version=13.0.3';
    const h = { ...ADMIN, 'Content-Type': 'application/json' };
    const docs =
      '{\n    "listed": false,\n    "allow": null, \n    "deprecated": true,\n    "deprecationReason": "Legacy Package",\n}';
    expect((await raw(sim.url, 'POST', path, { headers: h, body: docs })).status).toBe(200);
    expect((await raw(sim.url, 'PUT', path, { headers: h, body: '{"allow":false}' })).status).toBe(200);
    const meta = (
      await raw(sim.url, 'GET', path.replace('/status', '/metadata'), { headers: ADMIN })
    ).json<Json>();
    expect(meta.status).toEqual({ deprecated: true, listed: false, allowDownload: false });
    expect((await raw(sim.url, 'POST', path, { headers: h, body: '{"listed":"no"}' })).status).toBe(400);
  });

  it('GET /api/licenses/list (code) and the legacy /api/management/licenses/list (licenseId)', async () => {
    const list = (await raw(sim.url, 'GET', '/api/licenses/list', { headers: ADMIN })).json<
      Record<string, unknown>[]
    >();
    expect(list.find((l) => l.code === 'MIT')).toMatchObject({
      code: 'MIT',
      title: 'MIT License',
      urls: ['https://spdx.org/licenses/MIT.html'],
      spdx: ['MIT'],
    });
    const legacy = (await raw(sim.url, 'GET', '/api/management/licenses/list', { headers: ADMIN })).json<
      Record<string, unknown>[]
    >();
    expect(legacy[0]).toEqual({
      licenseId: '0BSD',
      title: 'BSD Zero Clause License',
      urls: ['landley.net/toybox/license.html', 'spdx.org/licenses/0BSD.html'],
      allowed: true,
      allowedLicenses: ['OpenLicenses'],
      blockedLicenses: [],
    });
    expect((await raw(sim.url, 'GET', '/api/licenses/list', { headers: SCA })).status).toBe(403);
  });

  it('GET /api/sca/permissions reports what the key may do', async () => {
    expect(
      (await raw(sim.url, 'GET', '/api/sca/permissions', { headers: key('demo-sbom-key') })).json(),
    ).toEqual({
      canView: false,
      canManage: false,
      canUploadSbom: true,
    });
  });
});

describe('SCA editions', () => {
  it('Free refuses SCA endpoints (status configurable, UNVERIFIED) after checking the key', async () => {
    const sim = await startSimulator({ seed: 'demo', edition: 'Free', sca: { freeStatus: 402 } });
    try {
      const r = await raw(sim.url, 'POST', '/api/sca/audit-build?project=proget-ci-demo&build=1.0.0', {
        headers: ADMIN,
      });
      expect(r.status).toBe(402);
      expect(r.text).toContain('requires ProGet Basic or ProGet Enterprise');
      expect(r.headers['x-proget-edition']).toBe('free');
      expect((await raw(sim.url, 'GET', '/api/sca/projects', { headers: key('nope') })).status).toBe(403);
      expect((await raw(sim.url, 'GET', '/api/sca/projects', { headers: ADMIN })).status).toBe(402);
    } finally {
      await sim.close();
    }
  });

  it('Basic: ten actions an hour, then 429 with Retry-After; reads are not counted', async () => {
    const sim = await startSimulator({ seed: 'demo', edition: 'Basic' });
    try {
      const audit = () =>
        raw(sim.url, 'POST', '/api/sca/audit-build?project=proget-ci-demo&build=1.0.0', { headers: ADMIN });
      for (let i = 0; i < 10; i++) expect((await audit()).status).toBe(200);
      expect((await raw(sim.url, 'GET', '/api/sca/projects', { headers: ADMIN })).status).toBe(200);
      const limited = await audit();
      expect(limited.status).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(3500);
      expect(limited.text).toContain('10 SCA and compliance API actions per hour');
      const vulns = await raw(sim.url, 'POST', '/api/sca/audit-package-vulns', {
        headers: { ...ADMIN, 'Content-Type': 'application/json' },
        body: '[]',
      });
      expect(vulns.status).toBe(429);
    } finally {
      await sim.close();
    }
  });

  it('Basic refuses policy-scoped assessments (UNVERIFIED); Enterprise takes them', async () => {
    const basic = await startSimulator({ seed: 'demo', edition: 'Basic' });
    try {
      expect(
        (
          await raw(basic.url, 'POST', '/api/sca/assess?id=PGV-2245804&type=contain&policy=Default', {
            headers: ADMIN,
          })
        ).status,
      ).toBe(400);
    } finally {
      await basic.close();
    }
    const enterprise = await startSimulator({ seed: 'demo' });
    try {
      expect(
        (
          await raw(enterprise.url, 'POST', '/api/sca/assess?id=PGV-2245804&type=contain&policy=Default', {
            headers: ADMIN,
          })
        ).status,
      ).toBe(200);
    } finally {
      await enterprise.close();
    }
  });
});
