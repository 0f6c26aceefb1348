// CycloneDX JSON as tools write it, parsed once into the few fields proget-ci uses. Tolerant: anything
// not a string where a string is expected is ignored rather than trusted.

import { SbomError } from './errors.js';

/** One component as the file gives it, before purl validation. */
export interface WireComponent {
  name: string;
  group?: string;
  version?: string;
  purl?: string;
  licenses: string[];
  bomRef?: string;
  type?: string;
}

export interface WireSbom {
  specVersion: string;
  components: WireComponent[];
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export function parseCycloneDxJson(file: string, text: string): WireSbom {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new SbomError('not-parseable', file, `is not valid JSON (${detail}).`);
  }
  if (!isObject(doc))
    throw new SbomError('not-cyclonedx', file, 'is JSON but not a CycloneDX SBOM (not an object).');
  if (typeof doc.spdxVersion === 'string' || typeof doc.SPDXID === 'string') {
    throw new SbomError(
      'not-cyclonedx',
      file,
      `is an SPDX document${typeof doc.spdxVersion === 'string' ? ` (${doc.spdxVersion})` : ''}, not CycloneDX. Produce a CycloneDX SBOM instead (for example \`syft -o cyclonedx-json\`).`,
    );
  }
  if (doc.bomFormat !== 'CycloneDX') {
    throw new SbomError(
      'not-cyclonedx',
      file,
      'is JSON but not a CycloneDX SBOM (no "bomFormat": "CycloneDX").',
    );
  }
  const specVersion = str(doc.specVersion);
  if (!specVersion)
    throw new SbomError('not-cyclonedx', file, 'is a CycloneDX document without a "specVersion".');
  const components: WireComponent[] = [];
  collect(doc.components, components, 0);
  return { specVersion, components };
}

/** Nested components (a component's own `components`) are packages too; depth is bounded against cycles of bad input. */
function collect(list: unknown, out: WireComponent[], depth: number): void {
  if (!Array.isArray(list) || depth > 32) return;
  for (const item of list) {
    if (!isObject(item)) continue;
    out.push({
      name: str(item.name) ?? '',
      group: str(item.group),
      version: str(item.version),
      purl: str(item.purl),
      licenses: licensesOf(item.licenses),
      bomRef: str(item['bom-ref']),
      type: str(item.type),
    });
    collect(item.components, out, depth + 1);
  }
}

function licensesOf(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  const out: string[] = [];
  for (const entry of list) {
    if (!isObject(entry)) continue;
    const expression = str(entry.expression);
    const license = isObject(entry.license) ? entry.license : undefined;
    const value = expression ?? str(license?.id) ?? str(license?.name);
    if (value && !out.includes(value)) out.push(value);
  }
  return out;
}
