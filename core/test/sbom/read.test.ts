import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSbom, SbomError } from '../../src/sbom/index.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const cdx = (name: string) => join(fixtures, 'cyclonedx', name);
const bad = (name: string) => join(fixtures, 'bad', name);

async function sbomError(files: string | string[], options?: { maxBytes?: number }): Promise<SbomError> {
  const error = await readSbom(files, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SbomError);
  return error as SbomError;
}

describe('readSbom: every supported version and format', () => {
  it.each([
    ['minimal-1.2.json', '1.2', 'json', ['pkg:npm/left-pad@1.3.0']],
    ['pgutil-1.2.xml', '1.2', 'xml', ['pkg:nuget/Newtonsoft.Json@13.0.3', 'pkg:nuget/Serilog@3.1.1']],
    ['cdxgen-1.3.json', '1.3', 'json', ['pkg:pypi/requests@2.31.0', 'pkg:pypi/urllib3@2.0.7']],
    ['cdxgen-1.3.xml', '1.3', 'xml', ['pkg:pypi/requests@2.31.0']],
    ['proget-export-1.4.json', '1.4', 'json', ['pkg:nuget/Newtonsoft.Json@13.0.3']],
    ['proget-export-1.4.xml', '1.4', 'xml', ['pkg:nuget/Newtonsoft.Json@13.0.3']],
    [
      'cyclonedx-npm-1.5.json',
      '1.5',
      'json',
      ['pkg:npm/express@4.19.2', 'pkg:npm/debug@2.6.9', 'pkg:npm/%40types/node@20.11.0'],
    ],
    [
      'cyclonedx-npm-1.5.xml',
      '1.5',
      'xml',
      ['pkg:npm/express@4.19.2', 'pkg:npm/debug@2.6.9', 'pkg:npm/%40types/node@20.11.0'],
    ],
    ['syft-1.6.json', '1.6', 'json', ['pkg:npm/lodash@4.17.21', 'pkg:golang/github.com/spf13/cobra@v1.8.0']],
    [
      'cdxgen-1.6.xml',
      '1.6',
      'xml',
      [
        'pkg:maven/org.apache.commons/commons-lang3@3.14.0?type=jar',
        'pkg:maven/org.springframework/spring-core@6.1.10?type=jar',
      ],
    ],
  ])('%s is CycloneDX %s (%s)', async (name, version, format, purls) => {
    const result = await readSbom(cdx(name));
    expect(result.specVersion).toBe(version);
    expect(result.files).toEqual([
      { file: cdx(name), format, specVersion: version, componentCount: purls.length },
    ]);
    expect(result.components.map((c) => c.purl)).toEqual(purls);
  });

  it('keeps name, group, version, licenses, bom-ref and type', async () => {
    const { components } = await readSbom(cdx('cdxgen-1.6.xml'));
    expect(components[1]).toEqual({
      name: 'spring-core',
      group: 'org.springframework',
      version: '6.1.10',
      purl: 'pkg:maven/org.springframework/spring-core@6.1.10?type=jar',
      licenses: ['Apache-2.0', 'Custom & Friends License'],
      bomRef: 'pkg:maven/org.springframework/spring-core@6.1.10?type=jar',
      type: 'framework',
    });
    expect(components[0]?.licenses).toEqual(['Apache-2.0']);
    const json = await readSbom(cdx('cyclonedx-npm-1.5.json'));
    expect(json.components.find((c) => c.name === 'node')).toEqual({
      name: 'node',
      group: '@types',
      version: '20.11.0',
      purl: 'pkg:npm/%40types/node@20.11.0',
      licenses: ['MIT'],
      bomRef: '@types/node@20.11.0',
      type: 'library',
    });
    const syft = await readSbom(cdx('cdxgen-1.3.json'));
    expect(syft.components.map((c) => c.licenses)).toEqual([['Apache-2.0'], ['MIT License']]);
  });

  it('a component without a bom-ref uses its purl as one; a component without a version takes none', async () => {
    const { components } = await readSbom(cdx('pgutil-1.2.xml'));
    expect(components[0]?.bomRef).toBe('pkg:nuget/Newtonsoft.Json@13.0.3');
    expect(components[0]?.type).toBe('library');
  });

  it('merges several files, deduplicated by purl, and reports the highest spec version', async () => {
    const result = await readSbom([
      cdx('pgutil-1.2.xml'),
      cdx('proget-export-1.4.json'),
      cdx('syft-1.6.json'),
    ]);
    expect(result.specVersion).toBe('1.6');
    expect(result.components.map((c) => c.purl)).toEqual([
      'pkg:nuget/Newtonsoft.Json@13.0.3',
      'pkg:nuget/Serilog@3.1.1',
      'pkg:npm/lodash@4.17.21',
      'pkg:golang/github.com/spf13/cobra@v1.8.0',
    ]);
    // pgutil's file has no license for Newtonsoft.Json; ProGet's export adds it.
    expect(result.components[0]?.licenses).toEqual(['MIT']);
    expect(result.files.map((f) => f.specVersion)).toEqual(['1.2', '1.4', '1.6']);
  });
});

describe('readSbom: bad input gets one clear error naming the file', () => {
  it.each([
    ['spdx.json', 'not-cyclonedx', /spdx\.json: is an SPDX document \(SPDX-2\.3\), not CycloneDX/],
    ['spdx.spdx', 'not-cyclonedx', /spdx\.spdx: is an SPDX tag-value document, not CycloneDX/],
    ['spdx.rdf.xml', 'not-cyclonedx', /spdx\.rdf\.xml: is an SPDX document, not CycloneDX/],
    ['truncated.json', 'not-parseable', /truncated\.json: is not valid JSON \(/],
    ['broken.xml', 'not-parseable', /broken\.xml: is not well-formed XML \(line 5: /],
    ['components.csv', 'not-parseable', /components\.csv: is neither JSON nor XML/],
    ['empty.json', 'not-parseable', /empty\.json: is empty\./],
    [
      'not-cyclonedx.json',
      'not-cyclonedx',
      /not-cyclonedx\.json: is JSON but not a CycloneDX SBOM \(no "bomFormat": "CycloneDX"\)/,
    ],
    [
      'pom.xml',
      'not-cyclonedx',
      /pom\.xml: is XML but not a CycloneDX SBOM \(root <project> in namespace http:\/\/maven\.apache\.org\/POM\/4\.0\.0\)/,
    ],
    [
      'cdx-1.1.xml',
      'unsupported-version',
      /cdx-1\.1\.xml: uses CycloneDX 1\.1; supported versions are 1\.2 to 1\.6\./,
    ],
    [
      'cdx-1.7.json',
      'unsupported-version',
      /cdx-1\.7\.json: uses CycloneDX 1\.7; supported versions are 1\.2 to 1\.6\./,
    ],
    ['no-components.json', 'no-components', /no-components\.json: has no components/],
    ['no-components.xml', 'no-components', /no-components\.xml: has no components/],
    [
      'no-purls.json',
      'no-components',
      /no-purls\.json: has 2 component\(s\) but none with a valid purl \(a@1\.0\.0, b@2\.0\.0\)/,
    ],
  ])('%s → %s', async (name, kind, message) => {
    const error = await sbomError(bad(name));
    expect(error.kind).toBe(kind);
    expect(error.file).toBe(bad(name));
    expect(error.message).toMatch(message);
    expect(error.message.split('\n')).toHaveLength(1);
  });

  it('a missing file says so', async () => {
    const error = await sbomError(bad('nope.json'));
    expect(error.kind).toBe('not-found');
    expect(error.message).toMatch(/nope\.json: does not exist or cannot be read/);
  });

  it('a file over the size limit names the limit, before reading it', async () => {
    const error = await sbomError(cdx('syft-1.6.json'), { maxBytes: 1024 });
    expect(error.kind).toBe('too-large');
    expect(error.message).toMatch(/syft-1\.6\.json: is 1\.\d KiB, over the 1 KiB limit for an SBOM\./);
  });

  it('names the bad file among several, and reads nothing half', async () => {
    const error = await sbomError([cdx('syft-1.6.json'), bad('spdx.json')]);
    expect(error.file).toBe(bad('spdx.json'));
  });

  it('no file at all is an error', async () => {
    const error = await sbomError([]);
    expect(error.kind).toBe('invalid-option');
  });

  it('components without purls and with invalid purls are skipped with one warning each', async () => {
    const result = await readSbom(bad('some-without-purls.json'));
    expect(result.components.map((c) => c.purl)).toEqual(['pkg:npm/ok@1.0.0']);
    expect(result.warnings).toHaveLength(2);
    expect(result.warnings[0]).toEqual({
      file: bad('some-without-purls.json'),
      message:
        '7 component(s) without a purl were skipped: nopurl-0@1.0.0, nopurl-1@1.0.0, nopurl-2@1.0.0, nopurl-3@1.0.0, nopurl-4@1.0.0 and 2 more.',
    });
    expect(result.warnings[1]?.message).toMatch(
      /^2 component\(s\) with an invalid purl were skipped: npm\/bad@1 \(.+\), pkg:\/x@1 \(.+\)\.$/,
    );
  });

  it('the syft file component (no purl) is reported, not silently dropped', async () => {
    const result = await readSbom(cdx('syft-1.6.json'));
    expect(result.warnings).toEqual([
      { file: cdx('syft-1.6.json'), message: '1 component(s) without a purl were skipped: /etc/os-release.' },
    ]);
  });
});

describe('readSbom: huge SBOMs', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'proget-ci-sbom-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const COUNT = 50_000;
  it('reads 50,000 components from JSON in bounded time', async () => {
    const components = Array.from({ length: COUNT }, (_, i) => ({
      type: 'library',
      name: `pkg-${i}`,
      version: `1.0.${i}`,
      'bom-ref': `ref-${i}`,
      licenses: [{ license: { id: 'MIT' } }],
      purl: `pkg:npm/pkg-${i}@1.0.${i}`,
    }));
    const file = join(dir, 'huge.json');
    await writeFile(
      file,
      JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, components }),
    );
    const started = performance.now();
    const result = await readSbom(file);
    const elapsed = performance.now() - started;
    expect(result.components).toHaveLength(COUNT);
    expect(result.components[COUNT - 1]?.purl).toBe(`pkg:npm/pkg-${COUNT - 1}@1.0.${COUNT - 1}`);
    // Linear work takes a few seconds on CI; the bound catches anything quadratic, with room for a loaded runner.
    expect(elapsed).toBeLessThan(45_000);
  }, 120_000);

  it('reads 50,000 components from XML in bounded time', async () => {
    const parts = [
      '<?xml version="1.0" encoding="utf-8"?>\n<bom xmlns="http://cyclonedx.org/schema/bom/1.5" version="1"><components>',
    ];
    for (let i = 0; i < COUNT; i++) {
      parts.push(
        `<component type="library" bom-ref="ref-${i}"><name>pkg-${i}</name><version>1.0.${i}</version><licenses><license><id>MIT</id></license></licenses><purl>pkg:npm/pkg-${i}@1.0.${i}</purl></component>`,
      );
    }
    parts.push('</components></bom>');
    const file = join(dir, 'huge.xml');
    await writeFile(file, parts.join('\n'));
    const started = performance.now();
    const result = await readSbom(file);
    const elapsed = performance.now() - started;
    expect(result.components).toHaveLength(COUNT);
    expect(result.components[0]).toEqual({
      name: 'pkg-0',
      version: '1.0.0',
      purl: 'pkg:npm/pkg-0@1.0.0',
      licenses: ['MIT'],
      bomRef: 'ref-0',
      type: 'library',
    });
    // Linear work takes a few seconds on CI; the bound catches anything quadratic, with room for a loaded runner.
    expect(elapsed).toBeLessThan(45_000);
  }, 120_000);
});
