// CycloneDX as ProGet reads it on import (project name and version from metadata.component, packages
// from components[].purl, nested components included) and writes it on export (the docs' 1.4 examples).

import { HttpError } from '../http.js';

export interface ImportedBom {
  name?: string;
  version?: string;
  type?: string;
  purls: string[];
  specVersion: string;
}

const SPEC_VERSIONS = new Set(['1.2', '1.3', '1.4', '1.5', '1.6']);

function invalid(why: string): HttpError {
  return new HttpError(400, `The SBOM document is not valid: ${why}.`);
}

function checkSpec(spec: string | undefined): string {
  if (!spec) throw invalid('no CycloneDX specification version');
  if (!SPEC_VERSIONS.has(spec)) throw invalid(`CycloneDX ${spec} is not supported (1.2 to 1.6 are)`);
  return spec;
}

export function readJsonBom(text: string): ImportedBom {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw invalid(`malformed JSON (${(e as Error).message})`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw invalid('the root is not an object');
  const bom = doc as Record<string, unknown>;
  if (bom.bomFormat !== 'CycloneDX') throw invalid('bomFormat is not "CycloneDX"');
  const specVersion = checkSpec(typeof bom.specVersion === 'string' ? bom.specVersion : undefined);
  const metadata = (bom.metadata ?? {}) as Record<string, unknown>;
  const component = (metadata.component ?? {}) as Record<string, unknown>;
  const purls: string[] = [];
  const walk = (list: unknown, depth: number) => {
    if (!Array.isArray(list) || depth > 32) return;
    for (const c of list) {
      if (typeof c !== 'object' || c === null) continue;
      const o = c as Record<string, unknown>;
      if (typeof o.purl === 'string' && o.purl.trim()) purls.push(o.purl.trim());
      walk(o.components, depth + 1);
    }
  };
  walk(bom.components, 0);
  return {
    name: typeof component.name === 'string' ? component.name : undefined,
    version: typeof component.version === 'string' ? component.version : undefined,
    type: typeof component.type === 'string' ? component.type : undefined,
    purls,
    specVersion,
  };
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(Number.parseInt(h, 16)))
    .replace(/&amp;/g, '&');
}

/** Elements of a component whose own `<name>` must not be taken for the component's. */
const NAMED_CHILDREN =
  /<(supplier|manufacturer|manufacture|authors|author|publisher|licenses|hashes|externalReferences|properties|evidence|pedigree|swid|components|releaseNotes|modelCard|data|cryptoProperties|tools)\b[\s\S]*?<\/\1>/g;

export function readXmlBom(text: string): ImportedBom {
  const doc = text.replace(/^\uFEFF/, '');
  const root = /<bom\b([^>]*)>/.exec(doc);
  if (!root || !/<\/bom>\s*$/.test(doc)) throw invalid('no <bom> root element');
  const ns = /xmlns="http:\/\/cyclonedx\.org\/schema\/bom\/(\d+\.\d+)"/.exec(root[1] ?? '');
  const specVersion = checkSpec(ns?.[1]);
  const metaEnd = doc.indexOf('</metadata>');
  // CycloneDX 1.5 lists tools as <tools><components><component>: not the subject of the SBOM.
  const metadata = (metaEnd >= 0 ? doc.slice(doc.indexOf('<metadata'), metaEnd) : '').replace(
    /<tools\b[\s\S]*?<\/tools>/g,
    '',
  );
  const comp = /<component\b([^>]*)>([\s\S]*)<\/component>/.exec(metadata);
  let name: string | undefined;
  let version: string | undefined;
  let type: string | undefined;
  if (comp) {
    const own = (comp[2] ?? '').replace(NAMED_CHILDREN, '');
    name = /<name>([\s\S]*?)<\/name>/.exec(own)?.[1];
    version = /<version>([\s\S]*?)<\/version>/.exec(own)?.[1];
    type = /\btype="([^"]*)"/.exec(comp[1] ?? '')?.[1];
  }
  const rest = metaEnd >= 0 ? doc.slice(metaEnd) : doc;
  const componentsStart = rest.indexOf('<components');
  const purls: string[] = [];
  if (componentsStart >= 0) {
    const re = /<purl>([\s\S]*?)<\/purl>/g;
    re.lastIndex = componentsStart;
    for (let m = re.exec(rest); m; m = re.exec(rest)) {
      const purl = unescapeXml(m[1]!.trim());
      if (purl) purls.push(purl);
    }
  }
  return {
    name: name === undefined ? undefined : unescapeXml(name.trim()),
    version: version === undefined ? undefined : unescapeXml(version.trim()),
    type,
    purls,
    specVersion,
  };
}

export interface ExportComponent {
  purl: string;
  group?: string;
  name: string;
  version: string;
  licenses: string[];
}

export interface ExportInput {
  origin: string;
  productVersion: string;
  project: { name: string; type?: string; description?: string };
  version: string;
  components: ExportComponent[];
}

/** `https://HOST/packages/from-purl?purl=` + the purl %-escaped with lower-case hex, as the docs show. */
export function fromPurlUrl(origin: string, purl: string): string {
  return `${origin}/packages/from-purl?purl=${encodeURIComponent(purl).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())}`;
}

export function exportJson(input: ExportInput): string {
  return JSON.stringify(
    {
      bomFormat: 'CycloneDX',
      specVersion: '1.4',
      metadata: {
        timestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        tools: [{ vendor: 'Inedo', name: 'ProGet', version: input.productVersion }],
        component: {
          // The docs' example: the string "null" when the project has no type.
          type: input.project.type ?? 'null',
          name: input.project.name,
          version: input.version,
          ...(input.project.description ? { description: input.project.description } : {}),
          licenses: [],
        },
      },
      components: input.components.map((c) => ({
        type: 'library',
        ...(c.group ? { group: c.group } : {}),
        name: c.name,
        version: c.version,
        licenses: c.licenses.map((id) => ({ license: { id } })),
        purl: c.purl,
        externalReferences: [{ url: fromPurlUrl(input.origin, c.purl), type: 'website' }],
      })),
    },
    null,
    2,
  );
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function exportXml(input: ExportInput): string {
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<bom xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns="http://cyclonedx.org/schema/bom/1.4">',
    '  <metadata>',
    `    <timestamp>${new Date().toISOString().replace('Z', '0000Z')}</timestamp>`,
    '    <tools>',
    '      <tool>',
    '        <vendor>Inedo</vendor>',
    '        <name>ProGet</name>',
    `        <version>${escapeXml(input.productVersion)}</version>`,
    '      </tool>',
    '    </tools>',
    // The docs' example: type="Null" when the project has no type.
    `    <component type="${escapeXml(input.project.type ?? 'Null')}">`,
    `      <name>${escapeXml(input.project.name)}</name>`,
    `      <version>${escapeXml(input.version)}</version>`,
    ...(input.project.description
      ? [`      <description>${escapeXml(input.project.description)}</description>`]
      : []),
    '    </component>',
    '  </metadata>',
    '  <components>',
  ];
  for (const c of input.components) {
    lines.push('    <component type="library">');
    if (c.group) lines.push(`      <group>${escapeXml(c.group)}</group>`);
    lines.push(`      <name>${escapeXml(c.name)}</name>`, `      <version>${escapeXml(c.version)}</version>`);
    if (c.licenses.length) {
      lines.push('      <licenses>');
      for (const id of c.licenses)
        lines.push(`        <license>`, `          <id>${escapeXml(id)}</id>`, '        </license>');
      lines.push('      </licenses>');
    }
    lines.push(
      `      <purl>${escapeXml(c.purl)}</purl>`,
      '      <externalReferences>',
      '        <reference type="website">',
      `          <url>${escapeXml(fromPurlUrl(input.origin, c.purl))}</url>`,
      '        </reference>',
      '      </externalReferences>',
      '    </component>',
    );
  }
  lines.push('  </components>', '</bom>');
  // The docs' example starts with a byte order mark.
  return `\uFEFF${lines.join('\n')}\n`;
}
