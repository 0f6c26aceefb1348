// Reads CycloneDX SBOMs (JSON or XML, spec 1.2–1.6) as syft, cdxgen and cyclonedx-npm write them into one
// deduplicated list of components. Every bad file gets one error or warning that names it and its problem.

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import * as Spec from '@cyclonedx/cyclonedx-library/Spec';
import { SbomError } from './errors.js';
import { canonicalPurl } from './purl.js';
import type { SbomComponent, SbomWarning } from './types.js';
import { parseCycloneDxJson, type WireComponent, type WireSbom } from './wire-json.js';
import { CycloneDxXmlReader, parseCycloneDxXml } from './wire-xml.js';

/** Spec versions ProGet imports (1.2 is what pgutil writes; 1.6 came with ProGet 2025). */
export const SUPPORTED_SPEC_VERSIONS: readonly string[] = [
  Spec.Version.v1dot2,
  Spec.Version.v1dot3,
  Spec.Version.v1dot4,
  Spec.Version.v1dot5,
  Spec.Version.v1dot6,
];

/** 100 MiB: far above a 50,000-component SBOM (~25 MiB as XML), far below what would strain a runner. */
export const DEFAULT_MAX_SBOM_BYTES = 100 * 1024 * 1024;

/** How many names a warning lists before it says "and N more". */
const NAMES_IN_WARNING = 5;

export interface ReadSbomOptions {
  /** Largest file accepted, in bytes. */
  maxBytes?: number;
}

export interface SbomFileSummary {
  file: string;
  format: 'json' | 'xml';
  specVersion: string;
  /** Components kept from this file (before merging with other files). */
  componentCount: number;
}

export interface SbomReadResult {
  /** Deduplicated by purl across all files; the first file's entry wins, licenses are united. */
  components: SbomComponent[];
  /** The highest spec version among the files. */
  specVersion: string;
  files: SbomFileSummary[];
  warnings: SbomWarning[];
}

/** Reads one or more CycloneDX files. Throws `SbomError` for the first file that cannot be used at all. */
export async function readSbom(
  files: string | readonly string[],
  options: ReadSbomOptions = {},
): Promise<SbomReadResult> {
  const list = typeof files === 'string' ? [files] : [...files];
  if (list.length === 0) throw new SbomError('invalid-option', undefined, 'No SBOM file was given.');
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_SBOM_BYTES;
  const byPurl = new Map<string, SbomComponent>();
  const summaries: SbomFileSummary[] = [];
  const warnings: SbomWarning[] = [];
  for (const file of list) {
    const one = await readSbomFile(file, maxBytes);
    warnings.push(...one.warnings);
    summaries.push({
      file,
      format: one.format,
      specVersion: one.specVersion,
      componentCount: one.components.length,
    });
    for (const component of one.components) {
      const seen = byPurl.get(component.purl);
      if (!seen) byPurl.set(component.purl, component);
      else
        for (const license of component.licenses)
          if (!seen.licenses.includes(license)) seen.licenses.push(license);
    }
  }
  const specVersion = summaries
    .map((s) => s.specVersion)
    .sort(compareSpecVersions)
    .at(-1) as string;
  return { components: [...byPurl.values()], specVersion, files: summaries, warnings };
}

export interface ParsedSbom {
  format: 'json' | 'xml';
  specVersion: string;
  components: SbomComponent[];
  warnings: SbomWarning[];
}

/** Parses one SBOM already in memory; `file` is only used to name it in messages. */
export function parseSbomText(file: string, text: string): ParsedSbom {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const format = detectFormat(file, body);
  const wire = format === 'json' ? parseCycloneDxJson(file, body) : parseCycloneDxXml(file, body);
  return finish(file, format, wire);
}

/** Streams the file: XML goes to the SAX reader chunk by chunk; JSON needs the whole text for JSON.parse. */
async function readSbomFile(file: string, maxBytes: number): Promise<ParsedSbom> {
  await checkSize(file, maxBytes);
  let format: 'json' | 'xml' | undefined;
  const jsonChunks: string[] = [];
  let xml: CycloneDxXmlReader | undefined;
  let leading = '';
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1024 * 1024 });
  try {
    for await (const piece of stream as AsyncIterable<string>) {
      let chunk = piece;
      if (format === undefined) {
        leading += chunk;
        if (leading.charCodeAt(0) === 0xfeff) leading = leading.slice(1);
        if (leading.trim() === '') continue;
        format = detectFormat(file, leading);
        chunk = leading;
        if (format === 'xml') xml = new CycloneDxXmlReader(file);
      }
      if (xml) xml.write(chunk);
      else jsonChunks.push(chunk);
    }
  } catch (error) {
    // Only I/O errors (with a code) are about the file; anything else is ours and goes up as it is.
    if (error instanceof SbomError || !(error instanceof Error && 'code' in error)) throw error;
    throw new SbomError('not-found', file, `could not be read (${String(error.code)}).`);
  } finally {
    stream.destroy();
  }
  if (format === undefined) throw new SbomError('not-parseable', file, 'is empty.');
  const wire = xml ? xml.close() : parseCycloneDxJson(file, jsonChunks.join(''));
  return finish(file, format, wire);
}

function detectFormat(file: string, body: string): 'json' | 'xml' {
  const start = body.trimStart();
  if (start.startsWith('{')) return 'json';
  if (start.startsWith('<')) return 'xml';
  if (/^SPDXVersion:/m.test(start.slice(0, 4096))) {
    throw new SbomError(
      'not-cyclonedx',
      file,
      'is an SPDX tag-value document, not CycloneDX. Produce a CycloneDX SBOM instead (for example `syft -o cyclonedx-json`).',
    );
  }
  if (start.length === 0) throw new SbomError('not-parseable', file, 'is empty.');
  throw new SbomError('not-parseable', file, 'is neither JSON nor XML, so it cannot be a CycloneDX SBOM.');
}

function finish(file: string, format: 'json' | 'xml', wire: WireSbom): ParsedSbom {
  if (!SUPPORTED_SPEC_VERSIONS.includes(wire.specVersion)) {
    throw new SbomError(
      'unsupported-version',
      file,
      `uses CycloneDX ${wire.specVersion}; supported versions are ${SUPPORTED_SPEC_VERSIONS[0]} to ${SUPPORTED_SPEC_VERSIONS.at(-1)}.`,
    );
  }
  if (wire.components.length === 0) {
    throw new SbomError('no-components', file, 'has no components: there is nothing to audit.');
  }
  const { components, warnings } = toDomain(file, wire.components);
  if (components.length === 0) {
    throw new SbomError(
      'no-components',
      file,
      `has ${wire.components.length} component(s) but none with a valid purl (${listNames(wire.components.map(displayName))}): ProGet matches packages by purl.`,
    );
  }
  return { format, specVersion: wire.specVersion, components, warnings };
}

function toDomain(
  file: string,
  wire: WireComponent[],
): { components: SbomComponent[]; warnings: SbomWarning[] } {
  const noPurl: string[] = [];
  const badPurl: string[] = [];
  const seen = new Map<string, SbomComponent>();
  for (const w of wire) {
    if (!w.purl) {
      noPurl.push(displayName(w));
      continue;
    }
    const canonical = canonicalPurl(w.purl);
    if ('problem' in canonical) {
      badPurl.push(`${w.purl} (${canonical.problem.replace(/^Invalid purl: /, '')})`);
      continue;
    }
    if (seen.has(canonical.purl)) continue;
    seen.set(canonical.purl, {
      name: w.name,
      ...(w.group ? { group: w.group } : {}),
      version: w.version ?? '',
      purl: canonical.purl,
      licenses: w.licenses,
      bomRef: w.bomRef ?? canonical.purl,
      type: w.type ?? 'library',
    });
  }
  const warnings: SbomWarning[] = [];
  if (noPurl.length > 0 && seen.size > 0) {
    warnings.push({
      file,
      message: `${noPurl.length} component(s) without a purl were skipped: ${listNames(noPurl)}.`,
    });
  }
  if (badPurl.length > 0 && seen.size > 0) {
    warnings.push({
      file,
      message: `${badPurl.length} component(s) with an invalid purl were skipped: ${listNames(badPurl)}.`,
    });
  }
  return { components: [...seen.values()], warnings };
}

function displayName(w: WireComponent): string {
  const name = w.group ? `${w.group}/${w.name}` : w.name || '(unnamed)';
  return w.version ? `${name}@${w.version}` : name;
}

function listNames(names: string[]): string {
  const shown = names.slice(0, NAMES_IN_WARNING).join(', ');
  return names.length > NAMES_IN_WARNING ? `${shown} and ${names.length - NAMES_IN_WARNING} more` : shown;
}

async function checkSize(file: string, maxBytes: number): Promise<void> {
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new SbomError('not-found', file, 'is not a file.');
    size = info.size;
  } catch (error) {
    if (error instanceof SbomError) throw error;
    throw new SbomError('not-found', file, 'does not exist or cannot be read.');
  }
  if (size > maxBytes) {
    throw new SbomError(
      'too-large',
      file,
      `is ${formatBytes(size)}, over the ${formatBytes(maxBytes)} limit for an SBOM.`,
    );
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1).replace(/\.0$/, '')} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MiB`;
}

function compareSpecVersions(a: string, b: string): number {
  const [am = 0, an = 0] = a.split('.').map(Number);
  const [bm = 0, bn = 0] = b.split('.').map(Number);
  return am - bm || an - bn;
}
