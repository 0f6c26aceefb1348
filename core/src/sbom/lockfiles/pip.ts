// Pinned requirements.txt: only `name==version` (or `===`) lines name one exact package. Unpinned lines,
// URLs, editables and includes (-r, -c) are warned about and skipped: they do not say what gets installed.

import { listNames, plural } from './common.js';
import type { LockedPackage, LockfileContext, LockfileRead } from './types.js';

// name, optional [extras], ===/== version, optional ; marker
const PINNED =
  /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[^\]]*\])?\s*===?\s*([A-Za-z0-9][A-Za-z0-9.+!_-]*)\s*(?:;.*)?$/;

export function readRequirements(text: string, _context: LockfileContext): LockfileRead {
  const out: LockedPackage[] = [];
  const unpinned: string[] = [];
  const includes: string[] = [];
  const physical = text.split('\n');
  for (let i = 0; i < physical.length; i++) {
    const line = i + 1;
    let logical = physical[i] as string;
    // Backslash continuations join lines (hashes usually follow this way).
    while (/\\\s*$/.test(logical) && i + 1 < physical.length)
      logical = logical.replace(/\\\s*$/, ' ') + physical[++i];
    const requirement = logical
      .replace(/(^|\s)#.*$/, '')
      .replace(/\s--hash[=\s]\S+/g, '')
      .trim();
    if (requirement === '') continue;
    if (/^(-r|--requirement|-c|--constraint)\b/.test(requirement)) {
      includes.push(requirement);
      continue;
    }
    if (/^(-e|--editable)\b/.test(requirement)) {
      unpinned.push(requirement);
      continue;
    }
    if (requirement.startsWith('-')) continue; // --index-url and other pip options
    const match = PINNED.exec(requirement);
    if (match && !(match[2] as string).includes('*')) {
      out.push({
        ecosystem: 'pypi',
        name: match[1] as string,
        version: match[2] as string,
        line,
        dev: false,
      });
    } else unpinned.push(requirement.split(/\s+/)[0] as string);
  }
  const warnings: string[] = [];
  if (unpinned.length > 0) {
    warnings.push(
      `${plural(unpinned.length, 'requirement')} not pinned with == skipped: ${listNames(unpinned)}. Pin them (pip freeze, pip-compile) to include them.`,
    );
  }
  if (includes.length > 0) {
    warnings.push(
      `${plural(includes.length, 'include')} not followed: ${listNames(includes)}. Name those files too.`,
    );
  }
  return { packages: out, warnings };
}
