import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as Spec from '@cyclonedx/cyclonedx-library/Spec';
import * as Validation from '@cyclonedx/cyclonedx-library/Validation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEV_PROPERTY,
  type GenerateSbomOptions,
  generateSbom,
  originOf,
  readSbom,
  SbomError,
  serializeSbom,
  writeSbom,
} from '../../src/sbom/index.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const ws = (name: string) => join(fixtures, 'lockfiles', name);
const badWs = (name: string) => join(fixtures, 'bad-lockfiles', name);

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'proget-ci-sbom-gen-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** Each component as "purl file:line", with " dev" for development-only ones. */
async function summary(options: GenerateSbomOptions): Promise<string[]> {
  const sbom = await generateSbom(options);
  return sbom.components.map((c) => `${c.purl} ${c.origin.file}:${c.origin.line}${c.dev ? ' dev' : ''}`);
}

async function sbomError(options: GenerateSbomOptions): Promise<SbomError> {
  const error = await generateSbom(options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SbomError);
  return error as SbomError;
}

describe('generateSbom: one fixture per lockfile kind, with the line of each entry', () => {
  it('package-lock.json v1: nested dependencies, aliases, dev flags; git dependencies skipped', async () => {
    const sbom = await generateSbom({ workspace: ws('npm-v1') });
    expect(
      sbom.components.map((c) => `${c.purl} ${c.origin.file}:${c.origin.line}${c.dev ? ' dev' : ''}`),
    ).toEqual([
      'pkg:npm/%40babel/code-frame@7.12.13 package-lock.json:7 dev',
      'pkg:npm/debug@4.3.4 package-lock.json:13',
      'pkg:npm/ms@2.1.2 package-lock.json:21',
      'pkg:npm/ms@2.0.0 package-lock.json:28',
      'pkg:npm/string-width@4.2.3 package-lock.json:33',
    ]);
    expect(sbom.warnings).toEqual([
      {
        file: 'package-lock.json',
        message:
          '1 package not from a registry (git, tarball or path) skipped: my-fork@github:someone/my-fork#0123456789abcdef.',
      },
    ]);
    expect(sbom.lockfiles).toEqual([{ file: 'package-lock.json', kind: 'npm', packageCount: 5 }]);
  });

  it('package-lock.json v2', async () => {
    expect(await summary({ workspace: ws('npm-v2') })).toEqual([
      'pkg:npm/lodash@4.17.21 package-lock.json:14',
    ]);
  });

  it('package-lock.json v3: scopes, nested installs, aliases, licenses; workspace links and paths skipped', async () => {
    const sbom = await generateSbom({ workspace: ws('npm-v3') });
    expect(sbom.components.map((c) => `${c.purl} ${c.origin.line}${c.dev ? ' dev' : ''}`)).toEqual([
      'pkg:npm/%40types/node@20.11.0 18 dev',
      'pkg:npm/debug@2.6.9 28',
      'pkg:npm/express@4.19.2 37',
      'pkg:npm/ms@2.1.3 49',
      'pkg:npm/ms@2.0.0 55',
      'pkg:npm/undici-types@5.26.5 65 dev',
      'pkg:npm/strip-ansi@6.0.1 72',
    ]);
    const types = sbom.components[0];
    expect(types).toMatchObject({ name: 'node', group: '@types', version: '20.11.0', licenses: ['MIT'] });
    expect(sbom.components.at(-1)?.licenses).toEqual(['(MIT OR Apache-2.0)']);
    expect(sbom.warnings.map((w) => w.message)).toEqual([
      '1 package not from a registry (git, tarball or path) skipped: local-thing@file:../local-thing.',
    ]);
  });

  it('pnpm-lock.yaml v6: dev flags from the lockfile; peer suffixes dropped', async () => {
    expect(await summary({ workspace: ws('pnpm-v6') })).toEqual([
      'pkg:npm/%40types/node@20.11.0 pnpm-lock.yaml:22 dev',
      'pkg:npm/express@4.19.2 pnpm-lock.yaml:28',
      'pkg:npm/ms@2.0.0 pnpm-lock.yaml:35',
      'pkg:npm/react-dom@18.2.0 pnpm-lock.yaml:38',
      'pkg:npm/react@18.2.0 pnpm-lock.yaml:46',
      'pkg:npm/undici-types@5.26.5 pnpm-lock.yaml:50 dev',
    ]);
  });

  it('pnpm-lock.yaml v9: dev-only by reachability from importers; a package shared with prod stays prod', async () => {
    expect(await summary({ workspace: ws('pnpm-v9') })).toEqual([
      'pkg:npm/%40types/node@20.11.0 pnpm-lock.yaml:33 dev',
      'pkg:npm/express@4.19.2 pnpm-lock.yaml:36',
      'pkg:npm/ms@2.0.0 pnpm-lock.yaml:40',
      'pkg:npm/nodemon@3.1.0 pnpm-lock.yaml:43 dev',
      'pkg:npm/react-dom@18.2.0 pnpm-lock.yaml:47',
      'pkg:npm/react@18.2.0 pnpm-lock.yaml:52',
      'pkg:npm/undici-types@5.26.5 pnpm-lock.yaml:55 dev',
    ]);
  });

  it('yarn.lock v1: multi-descriptor headers, aliases; dev-only from package.json', async () => {
    const sbom = await generateSbom({ workspace: ws('yarn-classic') });
    expect(
      sbom.components.map((c) => `${c.purl} ${c.origin.file}:${c.origin.line}${c.dev ? ' dev' : ''}`),
    ).toEqual([
      'pkg:npm/ansi-styles@4.3.0 yarn.lock:5',
      'pkg:npm/chalk@4.1.2 yarn.lock:12',
      'pkg:npm/color-convert@2.0.1 yarn.lock:20',
      // chalk is prod (a direct dependency) though jest's types also need it.
      'pkg:npm/%40jest/types@29.6.3 yarn.lock:25 dev',
      'pkg:npm/jest-util@29.7.0 yarn.lock:32 dev',
      'pkg:npm/ci-info@3.9.0 yarn.lock:40 dev',
      'pkg:npm/string-width@4.2.3 yarn.lock:45',
      'pkg:npm/supports-color@7.2.0 yarn.lock:50',
    ]);
    expect(sbom.warnings.map((w) => w.message)).toEqual([
      '1 package not from a registry (git, tarball or path) skipped: my-fork@1.0.0.',
    ]);
  });

  it('yarn.lock berry: workspaces and patches are not packages; git skipped', async () => {
    const sbom = await generateSbom({ workspace: ws('yarn-berry') });
    expect(sbom.components.map((c) => `${c.purl} ${c.origin.line}${c.dev ? ' dev' : ''}`)).toEqual([
      'pkg:npm/lodash@4.17.21 17',
      'pkg:npm/typescript@5.4.5 24 dev',
    ]);
    expect(sbom.warnings).toHaveLength(1);
  });

  it('NuGet packages.lock.json: found in a project folder, not in obj/; project references skipped', async () => {
    const sbom = await generateSbom({ workspace: ws('nuget') });
    expect(sbom.lockfiles).toEqual([{ file: 'src/App/packages.lock.json', kind: 'nuget', packageCount: 2 }]);
    expect(sbom.components.map((c) => `${c.purl} ${c.origin.file}:${c.origin.line}`)).toEqual([
      'pkg:nuget/Newtonsoft.Json@13.0.3 src/App/packages.lock.json:5',
      'pkg:nuget/Serilog@3.1.1 src/App/packages.lock.json:11',
    ]);
  });

  it('requirements.txt: == and === pins with extras, markers and hashes; the rest warned and skipped', async () => {
    const sbom = await generateSbom({ workspace: ws('pip') });
    expect(sbom.components.map((c) => `${c.name} ${c.purl} ${c.origin.line}`)).toEqual([
      'certifi pkg:pypi/certifi@2024.2.2 4',
      'Django pkg:pypi/django@4.2.11 7',
      'requests pkg:pypi/requests@2.31.0 8',
      'typing_extensions pkg:pypi/typing-extensions@4.10.0 9',
    ]);
    expect(sbom.warnings.map((w) => w.message)).toEqual([
      '4 requirements not pinned with == skipped: flask>=2.0, numpy, pytest==8.*, -e ./local-lib. Pin them (pip freeze, pip-compile) to include them.',
      '1 include not followed: -r requirements-dev.txt. Name those files too.',
    ]);
  });

  it('poetry.lock (poetry 2, groups): dev-only by group; git sources skipped', async () => {
    const sbom = await generateSbom({ workspace: ws('poetry') });
    expect(sbom.components.map((c) => `${c.purl} ${c.origin.line}${c.dev ? ' dev' : ''}`)).toEqual([
      'pkg:pypi/certifi@2024.2.2 4',
      'pkg:pypi/pytest@8.1.1 15 dev',
      'pkg:pypi/typing-extensions@4.10.0 24',
    ]);
    expect(sbom.warnings.map((w) => w.message)).toEqual([
      '1 package not from a package index (git, url or path) skipped: my-lib@0.1.0.',
    ]);
  });

  it('poetry.lock (poetry 1.1, category)', async () => {
    expect(await summary({ workspace: ws('poetry-1.1') })).toEqual([
      'pkg:pypi/black@22.3.0 poetry.lock:2 dev',
      'pkg:pypi/requests@2.27.1 poetry.lock:10',
    ]);
  });

  it('a workspace with many lockfiles: all found, merged by purl, the first lockfile is the origin', async () => {
    const sbom = await generateSbom({ workspace: join(fixtures, 'lockfiles') });
    expect(sbom.lockfiles.map((l) => `${l.kind} ${l.file}`)).toEqual([
      'npm npm-v1/package-lock.json',
      'npm npm-v2/package-lock.json',
      'npm npm-v3/package-lock.json',
      'nuget nuget/src/App/packages.lock.json',
      'pip pip/requirements.txt',
      'pnpm pnpm-v6/pnpm-lock.yaml',
      'pnpm pnpm-v9/pnpm-lock.yaml',
      'poetry poetry-1.1/poetry.lock',
      'poetry poetry/poetry.lock',
      'yarn yarn-berry/yarn.lock',
      'yarn yarn-classic/yarn.lock',
    ]);
    const purls = sbom.components.map((c) => c.purl);
    expect(new Set(purls).size).toBe(purls.length);
    expect(originOf(sbom, 'pkg:pypi/certifi@2024.2.2')).toEqual({ file: 'pip/requirements.txt', line: 4 });
    // dev in pnpm v6 and v9 and npm v3: still dev; ms@2.0.0 is prod everywhere.
    expect(sbom.components.find((c) => c.purl === 'pkg:npm/%40types/node@20.11.0')?.dev).toBe(true);
    expect(sbom.components.find((c) => c.purl === 'pkg:npm/ms@2.0.0')?.dev).toBe(false);
  });

  it('explicit lockfiles are read instead of searching', async () => {
    const sbom = await generateSbom({
      workspace: join(fixtures, 'lockfiles'),
      lockfiles: ['poetry-1.1/poetry.lock'],
    });
    expect(sbom.components.map((c) => c.purl)).toEqual(['pkg:pypi/black@22.3.0', 'pkg:pypi/requests@2.27.1']);
    const absolute = await generateSbom({
      workspace: join(fixtures, 'lockfiles'),
      lockfiles: [join(fixtures, 'lockfiles', 'npm-v2', 'package-lock.json')],
    });
    expect(absolute.components[0]?.origin).toEqual({ file: 'npm-v2/package-lock.json', line: 14 });
  });
});

describe('the generated SBOM', () => {
  const fixed = {
    timestamp: new Date('2026-01-02T03:04:05Z'),
    component: { name: 'web-app', version: '2.0.0' },
  };

  it('is CycloneDX 1.6 JSON by default, dev dependencies optional and marked by a property', async () => {
    const sbom = await generateSbom({ workspace: ws('npm-v3'), ...fixed });
    const json = JSON.parse(serializeSbom(sbom));
    expect(json).toMatchObject({
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      version: 1,
      metadata: {
        timestamp: '2026-01-02T03:04:05.000Z',
        component: { type: 'application', name: 'web-app', version: '2.0.0' },
        tools: { components: [{ type: 'application', name: 'proget-ci' }] },
      },
    });
    expect(json.serialNumber).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    const types = json.components.find((c: { name: string }) => c.name === 'node');
    expect(types).toEqual({
      type: 'library',
      group: '@types',
      name: 'node',
      version: '20.11.0',
      'bom-ref': 'pkg:npm/%40types/node@20.11.0',
      scope: 'optional',
      licenses: [{ license: { id: 'MIT' } }],
      purl: 'pkg:npm/%40types/node@20.11.0',
      properties: [{ name: DEV_PROPERTY, value: 'true' }],
    });
    const express = json.components.find((c: { name: string }) => c.name === 'express');
    expect(express.scope).toBeUndefined();
    expect(express.properties).toBeUndefined();
    const stripAnsi = json.components.find((c: { name: string }) => c.name === 'strip-ansi');
    expect(stripAnsi.licenses).toEqual([{ expression: '(MIT OR Apache-2.0)' }]);
  });

  it.each([
    ['1.5', Spec.Version.v1dot5],
    ['1.6', Spec.Version.v1dot6],
  ] as const)('is valid against the official CycloneDX %s JSON schema (strict), from every lockfile kind', async (version, spec) => {
    const sbom = await generateSbom({
      workspace: join(fixtures, 'lockfiles'),
      specVersion: version,
      ...fixed,
    });
    const errors = await new Validation.JsonStrictValidator(spec).validate(serializeSbom(sbom));
    expect(errors).toBeNull();
  });

  it('can be CycloneDX 1.5', async () => {
    const sbom = await generateSbom({ workspace: ws('npm-v2'), specVersion: '1.5' });
    const json = JSON.parse(serializeSbom(sbom));
    expect(json.specVersion).toBe('1.5');
    expect(json.$schema).toBe('http://cyclonedx.org/schema/bom-1.5.schema.json');
  });

  it('dev dependencies: by property only, or left out', async () => {
    const byProperty = JSON.parse(
      serializeSbom(await generateSbom({ workspace: ws('pnpm-v9'), devDependencies: 'property' })),
    );
    const nodemon = byProperty.components.find((c: { name: string }) => c.name === 'nodemon');
    expect(nodemon.scope).toBeUndefined();
    expect(nodemon.properties).toEqual([{ name: DEV_PROPERTY, value: 'true' }]);
    const excluded = await generateSbom({ workspace: ws('pnpm-v9'), devDependencies: 'exclude' });
    expect(excluded.components.map((c) => c.name)).toEqual(['express', 'ms', 'react-dom', 'react']);
    expect(JSON.parse(serializeSbom(excluded)).components).toHaveLength(4);
  });

  it('written once to a file, reads back with readSbom, leaves no temporary file', async () => {
    const dir = join(scratch, 'write');
    await mkdir(dir, { recursive: true });
    const sbom = await generateSbom({ workspace: ws('yarn-classic'), ...fixed });
    const file = join(dir, 'sbom.json');
    await writeSbom(sbom, file);
    expect(await readdir(dir)).toEqual(['sbom.json']);
    expect(await readFile(file, 'utf8')).toBe(serializeSbom(sbom));
    const back = await readSbom(file);
    expect(back.specVersion).toBe('1.6');
    expect(back.components.map((c) => c.purl).sort()).toEqual(sbom.components.map((c) => c.purl).sort());
    expect(back.warnings).toEqual([]);
  });

  it('a write that fails leaves nothing behind', async () => {
    const sbom = await generateSbom({ workspace: ws('npm-v2') });
    await expect(writeSbom(sbom, join(scratch, 'missing-dir', 'sbom.json'))).rejects.toThrow(/ENOENT/);
    expect((await readdir(scratch)).filter((f) => f.includes('missing'))).toEqual([]);
  });

  it('originOf: the lockfile line for a purl, in any spelling packageurl-js accepts', async () => {
    const sbom = await generateSbom({ workspace: ws('npm-v3') });
    expect(originOf(sbom, 'pkg:npm/%40types/node@20.11.0')).toEqual({ file: 'package-lock.json', line: 18 });
    expect(originOf(sbom, 'pkg:npm/@types/node@20.11.0')).toEqual({ file: 'package-lock.json', line: 18 });
    expect(originOf(sbom, 'pkg:npm/express@4.19.2')).toEqual({ file: 'package-lock.json', line: 37 });
    expect(originOf(sbom, 'pkg:npm/express@9.9.9')).toBeUndefined();
    expect(originOf(sbom, 'not a purl')).toBeUndefined();
  });

  it('50,000 locked packages in bounded time', async () => {
    const dir = join(scratch, 'huge');
    await mkdir(dir, { recursive: true });
    const packages: Record<string, unknown> = { '': { name: 'huge', version: '1.0.0' } };
    for (let i = 0; i < 50_000; i++) {
      packages[`node_modules/pkg-${i}`] = {
        version: `1.0.${i}`,
        resolved: `https://r/pkg-${i}.tgz`,
        license: 'MIT',
      };
    }
    await writeFile(
      join(dir, 'package-lock.json'),
      JSON.stringify({ lockfileVersion: 3, packages }, null, 2),
    );
    const started = performance.now();
    const sbom = await generateSbom({ workspace: dir });
    const text = serializeSbom(sbom);
    const elapsed = performance.now() - started;
    expect(sbom.components).toHaveLength(50_000);
    expect(originOf(sbom, 'pkg:npm/pkg-49999@1.0.49999')).toEqual({
      file: 'package-lock.json',
      line: 8 + 49_999 * 5,
    });
    expect(JSON.parse(text).components).toHaveLength(50_000);
    // Linear work takes a few seconds on CI; the bound catches anything quadratic, with room for a loaded runner.
    expect(elapsed).toBeLessThan(45_000);
  }, 120_000);
});

describe('generateSbom: bad input gets one clear error naming the file', () => {
  it('no lockfile in the workspace', async () => {
    const empty = join(scratch, 'empty');
    await mkdir(join(empty, 'node_modules', 'x'), { recursive: true });
    await writeFile(join(empty, 'node_modules', 'x', 'package-lock.json'), '{}');
    const error = await sbomError({ workspace: empty });
    expect(error.kind).toBe('no-lockfile');
    expect(error.message).toMatch(
      /empty: has no lockfile to build an SBOM from \(looked for package-lock\.json, /,
    );
  });

  it('an unknown lockfile format', async () => {
    const error = await sbomError({ workspace: badWs('unknown'), lockfiles: ['Gemfile.lock'] });
    expect(error.kind).toBe('unknown-lockfile');
    expect(error.message).toBe(
      'Gemfile.lock: is not a lockfile proget-ci can read; known: package-lock.json, npm-shrinkwrap.json, pnpm-lock.yaml, yarn.lock, packages.lock.json, requirements.txt, poetry.lock.',
    );
  });

  it('only lockfiles of package managers it cannot read', async () => {
    const error = await sbomError({ workspace: badWs('only-unread') });
    expect(error.kind).toBe('unknown-lockfile');
    expect(error.message).toMatch(
      /only-unread: has only lockfiles proget-ci cannot read \(crate\/Cargo\.lock\); it reads package-lock\.json, /,
    );
  });

  it('a lockfile it cannot read beside ones it can is named in a warning', async () => {
    const dir = join(scratch, 'mixed');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'requirements.txt'), 'requests==2.31.0\n');
    await writeFile(join(dir, 'Gemfile.lock'), 'GEM\n');
    const sbom = await generateSbom({ workspace: dir });
    expect(sbom.components.map((c) => c.purl)).toEqual(['pkg:pypi/requests@2.31.0']);
    expect(sbom.warnings).toEqual([
      {
        file: 'Gemfile.lock',
        message: 'is a lockfile proget-ci cannot read: its packages are not in the SBOM.',
      },
    ]);
  });

  it('a named lockfile that does not exist', async () => {
    const error = await sbomError({ workspace: badWs('unknown'), lockfiles: ['package-lock.json'] });
    expect(error.kind).toBe('not-found');
    expect(error.message).toBe('package-lock.json: does not exist or cannot be read.');
  });

  it.each([
    ['npm-truncated', /^package-lock\.json: is not valid JSON, so it cannot be read as an npm lockfile \(/],
    [
      'npm-v4',
      /^package-lock\.json: has lockfileVersion 4; npm lockfiles of version 1 to 3 are supported\.$/,
    ],
    [
      'pnpm-v5',
      /^pnpm-lock\.yaml: has lockfileVersion 5\.4; pnpm lockfiles of version 6 and 9 are supported/,
    ],
    ['pnpm-broken', /^pnpm-lock\.yaml: is not valid YAML \(line \d+\): /],
    ['yarn-conflict', /^yarn\.lock: has unresolved merge conflict markers\.$/],
    ['poetry-broken', /^poetry\.lock: is not valid TOML \(line 3\): /],
    ['nuget-v3', /^packages\.lock\.json: has version 3; NuGet lockfiles of version 1 and 2 are supported\.$/],
  ])('%s', async (name, message) => {
    const error = await sbomError({ workspace: badWs(name) });
    expect(error.kind).toBe('invalid-lockfile');
    expect(error.message).toMatch(message);
    expect(error.message.split('\n')).toHaveLength(1);
  });

  it('a lockfile over the size limit names the limit', async () => {
    const error = await sbomError({ workspace: ws('npm-v3'), maxLockfileBytes: 1024 });
    expect(error.kind).toBe('too-large');
    expect(error.message).toMatch(
      /^package-lock\.json: is \d\.\d KiB, over the 1 KiB limit for a lockfile\.$/,
    );
  });

  it('options outside the choices', async () => {
    const version = await sbomError({ workspace: ws('npm-v2'), specVersion: '1.4' as '1.5' });
    expect(version.message).toBe('CycloneDX 1.4 cannot be generated; choose 1.5 or 1.6.');
    const dev = await sbomError({ workspace: ws('npm-v2'), devDependencies: 'skip' as 'exclude' });
    expect(dev.message).toBe('Dev dependencies "skip": choose optional, property or exclude.');
  });
});
