// yarn.lock: classic (v1) and berry (v2+, `__metadata`), both read with @yarnpkg/parsers, yarn's own parser,
// which reads classic lockfiles when migrating them (@yarnpkg/lockfile reads only v1 and, bundled as ESM, fails
// on its own __filename). Neither format records dev dependencies, so dev-only packages are found by
// reachability from the `package.json` beside the lockfile (without one, everything counts as prod).

import { parseSyml } from '@yarnpkg/parsers';
import {
  devOnly,
  invalid,
  isObject,
  isRegistryVersion,
  listNames,
  parseJson,
  plural,
  splitAt,
} from './common.js';
import type { LockedPackage, LockfileContext, LockfileRead } from './types.js';

interface Entry {
  /** Descriptors (`name@range`) that resolve to this entry. */
  descriptors: string[];
  name: string;
  version: string;
  line: number;
  dependencies: string[];
  registry: boolean;
  /** Workspaces and patches: not packages of their own. */
  ignore: boolean;
}

export function readYarnLockfile(text: string, context: LockfileContext): LockfileRead {
  const berry = /^__metadata:/m.test(text);
  const entries = berry ? berryEntries(text, context.file) : classicEntries(text, context.file);
  const lines = headerLines(text);
  for (const entry of entries) entry.line = lines.get(entry.descriptors[0] as string) ?? 1;

  const byDescriptor = new Map<string, Entry>();
  for (const entry of entries) for (const d of entry.descriptors) byDescriptor.set(d, entry);
  const dev = devEntries(context, byDescriptor, berry);

  const out: LockedPackage[] = [];
  const skipped: string[] = [];
  for (const entry of entries) {
    if (entry.ignore) continue;
    if (!entry.registry) {
      skipped.push(`${entry.name}@${entry.version}`);
      continue;
    }
    out.push({
      ecosystem: 'npm',
      name: entry.name,
      version: entry.version,
      line: entry.line,
      dev: dev.has(entry),
    });
  }
  const warnings =
    skipped.length > 0
      ? [
          `${plural(skipped.length, 'package')} not from a registry (git, tarball or path) skipped: ${listNames(skipped)}.`,
        ]
      : [];
  return { packages: out, warnings };
}

function classicEntries(text: string, file: string): Entry[] {
  const parsed = parse(text, file);
  // One key per descriptor, each with its own copy of the entry: group the copies back together.
  const grouped = new Map<string, { value: Record<string, unknown>; descriptors: string[] }>();
  for (const [descriptor, value] of Object.entries(parsed)) {
    if (!isObject(value)) continue;
    const id = [splitAt(descriptor)?.[0], value.version, value.resolved].map(String).join('\u0000');
    const group = grouped.get(id);
    if (group) group.descriptors.push(descriptor);
    else grouped.set(id, { value, descriptors: [descriptor] });
  }
  const entries: Entry[] = [];
  for (const { value: v, descriptors } of grouped.values()) {
    const first = splitAt(descriptors[0] as string);
    if (!first) continue;
    let [name, range] = first;
    // Aliases: "string-width-cjs@npm:string-width@^4.2.0"
    if (range.startsWith('npm:')) {
      const real = splitAt(range.slice(4));
      if (real) [name, range] = real;
    }
    const version = typeof v.version === 'string' ? v.version : '';
    entries.push({
      descriptors,
      name,
      version,
      line: 1,
      dependencies: [
        ...depDescriptors(v.dependencies, false),
        ...depDescriptors(v.optionalDependencies, false),
      ],
      registry: isRegistryVersion(version) && !/^(file:|link:|git|github:|https?:|portal:)/.test(range),
      ignore: false,
    });
  }
  return entries;
}

function berryEntries(text: string, file: string): Entry[] {
  const parsed = parse(text, file);
  const entries: Entry[] = [];
  for (const [key, value] of Object.entries(parsed)) {
    if (key === '__metadata' || !isObject(value)) continue;
    const descriptors = key.split(/,\s*/).map((d) => d.trim());
    const resolution = typeof value.resolution === 'string' ? value.resolution : '';
    const split = splitAt(resolution);
    if (!split) continue;
    const [name, reference] = split;
    const version = typeof value.version === 'string' ? value.version : '';
    entries.push({
      descriptors,
      name,
      version,
      line: 1,
      dependencies: [
        ...depDescriptors(value.dependencies, true),
        ...depDescriptors(value.optionalDependencies, true),
      ],
      registry: reference.startsWith('npm:') && isRegistryVersion(version),
      ignore:
        reference.startsWith('workspace:') || reference.startsWith('patch:') || value.linkType === 'soft',
    });
  }
  return entries;
}

function parse(text: string, file: string): Record<string, unknown> {
  if (/^(<{7}|={7}|>{7})( |$)/m.test(text)) throw invalid(file, 'has unresolved merge conflict markers.');
  try {
    return parseSyml(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw invalid(file, `is not a readable yarn.lock (${detail}).`);
  }
}

/** Dependencies as descriptors: classic `name@range`; berry `name@npm:range` (npm: is berry's default). */
function depDescriptors(deps: unknown, berry: boolean): string[] {
  if (!isObject(deps)) return [];
  return Object.entries(deps)
    .filter((e): e is [string, string] => typeof e[1] === 'string')
    .map(([name, range]) => descriptor(name, range, berry));
}

function descriptor(name: string, range: string, berry: boolean): string {
  return berry && !/^[a-z]+:/.test(range) ? `${name}@npm:${range}` : `${name}@${range}`;
}

/** Lines of entry headers (`"a@^1", a@^1.2:` at column 0), by each descriptor they list. */
function headerLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  const all = text.split('\n');
  for (let i = 0; i < all.length; i++) {
    const line = (all[i] as string).replace(/\r$/, '');
    if (line === '' || line.startsWith(' ') || line.startsWith('#') || !line.endsWith(':')) continue;
    for (const part of line.slice(0, -1).split(/,\s*/)) {
      const d = part.trim().replace(/^"(.*)"$/, '$1');
      if (!lines.has(d)) lines.set(d, i + 1);
    }
  }
  return lines;
}

function devEntries(context: LockfileContext, byDescriptor: Map<string, Entry>, berry: boolean): Set<Entry> {
  if (context.packageJson === undefined) return new Set();
  const manifest = parseJson(`${context.file} (its package.json)`, context.packageJson, 'a package.json');
  if (!isObject(manifest)) return new Set();
  const roots = (deps: unknown) => depDescriptors(deps, berry);
  const prodRoots = [...roots(manifest.dependencies), ...roots(manifest.optionalDependencies)];
  const devRoots = roots(manifest.devDependencies);
  const devDescriptors = devOnly(prodRoots, devRoots, (d) => byDescriptor.get(d)?.dependencies ?? []);
  const prod = new Set<Entry>();
  for (const [d, entry] of byDescriptor) if (!devDescriptors.has(d)) prod.add(entry);
  const dev = new Set<Entry>();
  for (const d of devDescriptors) {
    const entry = byDescriptor.get(d);
    if (entry && !prod.has(entry)) dev.add(entry);
  }
  return dev;
}
