// Builds a CycloneDX SBOM (1.5 or 1.6, the library's model and serializer) from a workspace's lockfiles.
// Each component remembers the lockfile line that brings it in, for annotations.

import { randomUUID } from 'node:crypto';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
// Subpaths, not the package root: the root also loads the schema validators, which read files beside the
// library (__dirname) and so break once bundled.
import * as LicenseContrib from '@cyclonedx/cyclonedx-library/Contrib/License';
import * as Enums from '@cyclonedx/cyclonedx-library/Enums';
import * as Models from '@cyclonedx/cyclonedx-library/Models';
import * as Serialize from '@cyclonedx/cyclonedx-library/Serialize';
import * as SPDX from '@cyclonedx/cyclonedx-library/SPDX';
import * as Spec from '@cyclonedx/cyclonedx-library/Spec';
import { PROGET_CI_VERSION } from '../version.js';
import { findLockfiles } from './discover.js';
import { SbomError } from './errors.js';
import { LOCKFILE_NAMES, type LockfileKind, lockfileKind, READERS } from './lockfiles/index.js';
import { canonicalPurl, purlFor } from './purl.js';
import { formatBytes } from './read.js';
import type { GeneratedComponent, LockfileOrigin, SbomComponent, SbomWarning } from './types.js';

export type GeneratedSpecVersion = '1.5' | '1.6';

/** How development-only dependencies appear: marked optional (and by a property), by the property alone, or left out. */
export type DevDependencies = 'optional' | 'property' | 'exclude';

/** Property set on development-only components. */
export const DEV_PROPERTY = 'proget-ci:development-dependency';

export const DEFAULT_MAX_LOCKFILE_BYTES = 100 * 1024 * 1024;

export interface GenerateSbomOptions {
  /** The folder to search for lockfiles; relative lockfile paths and origins are relative to it. */
  workspace: string;
  /** Lockfiles to read instead of searching (paths relative to the workspace, or absolute). */
  lockfiles?: readonly string[];
  devDependencies?: DevDependencies;
  specVersion?: GeneratedSpecVersion;
  /** The project the SBOM describes: ProGet names the SCA project and build after it. */
  component?: { name: string; version?: string; group?: string };
  /** Fixed for reproducible output; defaults to now. */
  timestamp?: Date;
  maxLockfileBytes?: number;
}

export interface LockfileSummary {
  file: string;
  kind: LockfileKind;
  packageCount: number;
}

export interface GeneratedSbom {
  specVersion: GeneratedSpecVersion;
  bom: Models.Bom;
  /** Deduplicated by purl, in lockfile order. */
  components: GeneratedComponent[];
  lockfiles: LockfileSummary[];
  warnings: SbomWarning[];
}

const SPECS = { '1.5': Spec.Spec1dot5, '1.6': Spec.Spec1dot6 } as const;

export async function generateSbom(options: GenerateSbomOptions): Promise<GeneratedSbom> {
  const specVersion = options.specVersion ?? '1.6';
  if (!Object.hasOwn(SPECS, specVersion)) {
    throw new SbomError(
      'invalid-option',
      undefined,
      `CycloneDX ${specVersion} cannot be generated; choose 1.5 or 1.6.`,
    );
  }
  const devMode = options.devDependencies ?? 'optional';
  if (!['optional', 'property', 'exclude'].includes(devMode)) {
    throw new SbomError(
      'invalid-option',
      undefined,
      `Dev dependencies "${devMode}": choose optional, property or exclude.`,
    );
  }
  const workspace = resolve(options.workspace);
  const warnings: SbomWarning[] = [];
  const files = await chooseLockfiles(workspace, options.lockfiles, warnings);
  const maxBytes = options.maxLockfileBytes ?? DEFAULT_MAX_LOCKFILE_BYTES;

  const byPurl = new Map<string, GeneratedComponent>();
  const lockfiles: LockfileSummary[] = [];
  for (const { file, kind } of files) {
    const absolute = join(workspace, file);
    const text = await readLockfile(absolute, file, maxBytes);
    const packageJson =
      kind === 'yarn' ? await readOptional(join(dirname(absolute), 'package.json')) : undefined;
    const read = READERS[kind](text, { file, ...(packageJson === undefined ? {} : { packageJson }) });
    for (const message of read.warnings) warnings.push({ file, message });
    if (read.packages.length === 0) warnings.push({ file, message: 'locks no registry packages.' });
    lockfiles.push({ file, kind, packageCount: read.packages.length });
    for (const pkg of read.packages) {
      const purl = purlFor(pkg.ecosystem, pkg.name, pkg.version);
      const key = purl.toString();
      const seen = byPurl.get(key);
      if (seen) {
        // Dev-only only if every lockfile that has it says so.
        seen.dev = seen.dev && pkg.dev;
        continue;
      }
      const slash = pkg.name.startsWith('@') ? pkg.name.indexOf('/') : -1;
      byPurl.set(key, {
        // As the registry spells it (purls normalize pypi names); an npm scope is the group.
        name: slash > 0 ? pkg.name.slice(slash + 1) : pkg.name,
        ...(slash > 0 ? { group: pkg.name.slice(0, slash) } : {}),
        version: pkg.version,
        purl: key,
        licenses: pkg.license ? [pkg.license] : [],
        bomRef: key,
        type: 'library',
        origin: { file, line: pkg.line },
        dev: pkg.dev,
      });
    }
  }
  let components = [...byPurl.values()];
  if (devMode === 'exclude') components = components.filter((c) => !c.dev);
  const bom = buildBom(components, devMode, options);
  return { specVersion, bom, components, lockfiles, warnings };
}

async function chooseLockfiles(
  workspace: string,
  given: readonly string[] | undefined,
  warnings: SbomWarning[],
): Promise<{ file: string; kind: LockfileKind }[]> {
  if (given && given.length > 0) {
    return given.map((path) => {
      const file = (isAbsolute(path) ? relative(workspace, path) : path).split('\\').join('/');
      const kind = lockfileKind(file);
      if (!kind) {
        throw new SbomError(
          'unknown-lockfile',
          file,
          `is not a lockfile proget-ci can read; known: ${Object.keys(LOCKFILE_NAMES).join(', ')}.`,
        );
      }
      return { file, kind };
    });
  }
  const { readable: found, unread } = await findLockfiles(workspace);
  if (found.length === 0 && unread.length > 0) {
    throw new SbomError(
      'unknown-lockfile',
      workspace,
      `has only lockfiles proget-ci cannot read (${unread.join(', ')}); it reads ${Object.keys(LOCKFILE_NAMES).join(', ')}. Give an SBOM made by a tool for that ecosystem instead.`,
    );
  }
  for (const file of unread) {
    warnings.push({
      file,
      message: 'is a lockfile proget-ci cannot read: its packages are not in the SBOM.',
    });
  }
  if (found.length === 0) {
    throw new SbomError(
      'no-lockfile',
      workspace,
      `has no lockfile to build an SBOM from (looked for ${Object.keys(LOCKFILE_NAMES).join(', ')} up to four folders deep). Commit a lockfile, or give an SBOM instead.`,
    );
  }
  return found.map((file) => ({ file, kind: lockfileKind(file) as LockfileKind }));
}

async function readLockfile(absolute: string, file: string, maxBytes: number): Promise<string> {
  let size: number;
  try {
    size = (await stat(absolute)).size;
  } catch {
    throw new SbomError('not-found', file, 'does not exist or cannot be read.');
  }
  if (size > maxBytes) {
    throw new SbomError(
      'too-large',
      file,
      `is ${formatBytes(size)}, over the ${formatBytes(maxBytes)} limit for a lockfile.`,
    );
  }
  const text = await readFile(absolute, 'utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * An SBOM of components read elsewhere (one or more CycloneDX files, merged by `readSbom`), describing
 * `component`: ProGet names the SCA project and build after it, whatever the files' own metadata says. It
 * has no lockfile origins (`components` and `lockfiles` are empty, so `originOf` finds nothing).
 */
export function composeSbom(
  components: readonly SbomComponent[],
  options: Pick<GenerateSbomOptions, 'component' | 'specVersion' | 'timestamp'>,
): GeneratedSbom {
  const specVersion = options.specVersion ?? '1.6';
  const bom = buildBom(components, 'optional', options);
  return { specVersion, bom, components: [], lockfiles: [], warnings: [] };
}

function buildBom(
  components: readonly (SbomComponent & { dev?: boolean })[],
  devMode: DevDependencies,
  options: Pick<GenerateSbomOptions, 'component' | 'timestamp'>,
): Models.Bom {
  const licenses = new LicenseContrib.Factories.LicenseFactory(validateSpdxExpression);
  const bom = new Models.Bom({ serialNumber: `urn:uuid:${randomUUID()}` });
  bom.metadata.timestamp = options.timestamp ?? new Date();
  bom.metadata.tools.components.add(
    new Models.Component(Enums.ComponentType.Application, 'proget-ci', { version: PROGET_CI_VERSION }),
  );
  if (options.component) {
    const { name, version, group } = options.component;
    // A fixed bom-ref, so the same inputs serialise to the same text.
    const ref = `${group ? `${group}/` : ''}${name}${version ? `@${version}` : ''}`;
    bom.metadata.component = new Models.Component(Enums.ComponentType.Application, name, {
      bomRef: ref,
      ...(version ? { version } : {}),
      ...(group ? { group } : {}),
    });
  }
  for (const c of components) {
    const model = new Models.Component(Enums.ComponentType.Library, c.name, {
      bomRef: c.bomRef,
      version: c.version,
      purl: c.purl,
      ...(c.group ? { group: c.group } : {}),
    });
    for (const license of c.licenses) model.licenses.add(licenses.makeFromString(license));
    if (c.dev) {
      if (devMode === 'optional') model.scope = Enums.ComponentScope.Optional;
      model.properties.add(new Models.Property(DEV_PROPERTY, 'true'));
    }
    bom.components.add(model);
  }
  return bom;
}

/**
 * Accepts an SPDX expression of known ids (`MIT OR Apache-2.0`, `(BSD-2-Clause AND ISC)`, `GPL-2.0+ WITH
 * Classpath-exception-2.0`, `LicenseRef-x`); the license factory then writes it as an expression, and anything
 * else (`SEE LICENSE IN …`) as a named license.
 */
function validateSpdxExpression(expression: string): void {
  const tokens = expression.replace(/[()]/g, ' ').split(/\s+/).filter(Boolean);
  if (tokens.length < 3) throw new RangeError('not an expression');
  tokens.forEach((token, i) => {
    if (i % 2 === 1) {
      if (!['AND', 'OR', 'WITH'].includes(token)) throw new RangeError(`not an operator: ${token}`);
    } else if (tokens[i - 1] !== 'WITH') {
      const id = token.replace(/\+$/, '');
      if (!SPDX.isSupportedSpdxId(id) && !/^(DocumentRef-[\w.-]+:)?LicenseRef-[\w.-]+$/.test(id)) {
        throw new RangeError(`not an SPDX id: ${token}`);
      }
    }
  });
}

/** The SBOM as CycloneDX JSON text, through the library's serializer. */
export function serializeSbom(sbom: GeneratedSbom, options: { space?: number } = {}): string {
  const serializer = new Serialize.JsonSerializer(
    new Serialize.JSON.Normalize.Factory(SPECS[sbom.specVersion]),
  );
  return serializer.serialize(sbom.bom, { sortLists: true, space: options.space ?? 2 });
}

/** Writes the SBOM once: to a temporary file beside `path`, then renamed, so no half-written SBOM is ever seen. */
export async function writeSbom(
  sbom: GeneratedSbom,
  path: string,
  options: { space?: number } = {},
): Promise<void> {
  const text = serializeSbom(sbom, options);
  const temp = `${path}.${process.pid}-${randomUUID().slice(0, 8)}.tmp`;
  try {
    await writeFile(temp, text, { encoding: 'utf8', flag: 'wx' });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

const origins = new WeakMap<GeneratedSbom, Map<string, LockfileOrigin>>();

/** The lockfile entry that brings in the component with this purl (any spelling packageurl-js accepts). */
export function originOf(sbom: GeneratedSbom, purl: string): LockfileOrigin | undefined {
  let index = origins.get(sbom);
  if (!index) {
    index = new Map(sbom.components.map((c) => [c.purl, c.origin]));
    origins.set(sbom, index);
  }
  const canonical = canonicalPurl(purl);
  return 'purl' in canonical ? index.get(canonical.purl) : undefined;
}
