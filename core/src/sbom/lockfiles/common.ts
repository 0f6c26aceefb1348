// Small helpers shared by the lockfile readers.

import { SbomError } from '../errors.js';

/** Registry versions start with a digit (semver, NuGet, PEP 440); tarballs, git and paths do not. */
export function isRegistryVersion(version: string): boolean {
  return /^v?\d/.test(version) && !version.includes(':') && !version.includes('/');
}

/** `name@range` → [name, range], where an npm scope's leading `@` is part of the name. */
export function splitAt(spec: string): [string, string] | undefined {
  const at = spec.indexOf('@', 1);
  if (at <= 0) return undefined;
  return [spec.slice(0, at), spec.slice(at + 1)];
}

export function invalid(file: string, problem: string): SbomError {
  return new SbomError('invalid-lockfile', file, problem);
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** A short list of names for warnings: the first few, then a count. */
export function listNames(names: readonly string[], shown = 5): string {
  const head = names.slice(0, shown).join(', ');
  return names.length > shown ? `${head} and ${names.length - shown} more` : head;
}

/**
 * Development-only packages by reachability: everything reachable from a dev root but from no prod root.
 * Packages reachable from neither are treated as prod, so nothing is hidden by mistake.
 */
export function devOnly(
  prodRoots: Iterable<string>,
  devRoots: Iterable<string>,
  edges: (node: string) => Iterable<string>,
): Set<string> {
  const reach = (roots: Iterable<string>) => {
    const seen = new Set<string>();
    const queue = [...roots];
    while (queue.length > 0) {
      const node = queue.pop() as string;
      if (seen.has(node)) continue;
      seen.add(node);
      for (const next of edges(node)) if (!seen.has(next)) queue.push(next);
    }
    return seen;
  };
  const prod = reach(prodRoots);
  const dev = reach(devRoots);
  for (const node of prod) dev.delete(node);
  return dev;
}

export function parseJson(file: string, text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw invalid(file, `is not valid JSON, so it cannot be read as ${what} (${detail}).`);
  }
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
