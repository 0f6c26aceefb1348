// SBOM files for the SCA tests: CycloneDX JSON and XML as syft/cdxgen/pgutil write them.

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export function jsonSbom(project: string, version: string, purls: string[], spec = '1.5'): string {
  return JSON.stringify({
    bomFormat: 'CycloneDX',
    specVersion: spec,
    serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79',
    version: 1,
    metadata: {
      timestamp: '2026-01-05T10:00:00Z',
      tools: [{ vendor: 'anchore', name: 'syft', version: '1.0.0' }],
      component: { type: 'application', name: project, version },
    },
    components: purls.map((purl) => {
      const m = /^pkg:[^/]+\/(?:(.+)\/)?([^/@]+)@(.+)$/.exec(purl);
      return { type: 'library', group: m?.[1], name: m?.[2] ?? purl, version: m?.[3] ?? '', purl };
    }),
  });
}

/** What pgutil's BomWriter uploads: namespace 1.2, unindented, supplier-free. */
export function xmlSbom(project: string, version: string, purls: string[]): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return (
    '<?xml version="1.0" encoding="utf-8"?><bom serialNumber="urn:uuid:0123456789abcdef0123456789abcdef" version="1" xmlns="http://cyclonedx.org/schema/bom/1.2">' +
    `<metadata><timestamp>2026-01-05T10:00:00.0000000Z</timestamp><component type="library"><name>${esc(project)}</name><version>${esc(version)}</version></component></metadata>` +
    `<components>${purls.map((p) => `<component type="library"><name>${esc(p)}</name><purl>${esc(p)}</purl></component>`).join('')}</components></bom>`
  );
}

export async function writeSbom(dir: string, name: string, content: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

/** A CycloneDX JSON SBOM of `count` components written as a stream; `padding` bytes of description each. */
export async function writeLargeSbom(
  path: string,
  project: string,
  version: string,
  count: number,
  padding = 0,
): Promise<void> {
  const out = createWriteStream(path);
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await write(
    `{"bomFormat":"CycloneDX","specVersion":"1.6","metadata":{"component":{"type":"application","name":"${project}","version":"${version}"}},"components":[`,
  );
  const pad = 'x'.repeat(padding);
  for (let i = 0; i < count; i++) {
    await write(
      `${i ? ',' : ''}{"type":"library","name":"pkg-${i}","version":"1.0.${i}","purl":"pkg:npm/pkg-${i}@1.0.${i}"${padding ? `,"description":"${pad}"` : ''}}`,
    );
  }
  await write(']}');
  out.end();
  await once(out, 'finish');
}

/** One purl per verdict in the simulator's data set. */
export const VERDICT_PURLS = {
  compliant: 'pkg:npm/lodash@4.17.21',
  warn: 'pkg:npm/semver@7.5.1',
  noncompliant: 'pkg:npm/lodash@4.17.20',
  license: 'pkg:pypi/pyqt5@5.15.9',
  inconclusive: 'pkg:npm/mystery-widget@1.0.0',
  malicious: 'pkg:npm/event-stream@3.3.6',
} as const;
