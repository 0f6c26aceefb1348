// What a built package holds that is rarely meant to be published, and `include` patterns that selected
// nothing: warnings, read from the package's central directory (no file is read twice).

import { readPackage } from '@proget-ci/core';
import type { StepLogger } from '../shared/io.js';

// More files than an application package usually has: worth a look before it lands in a feed.
export const MANY_FILES = 10_000;
const SUSPECT_DIRECTORIES = ['node_modules', '.git'];

export async function warnAboutContents(
  file: string,
  fileCount: number,
  include: string[],
  logger: StepLogger,
): Promise<void> {
  const { entries } = await readPackage(file);
  const paths = entries
    .filter((e) => !e.isDirectory && e.path.startsWith('package/'))
    .map((e) => e.path.slice('package/'.length));
  for (const name of SUSPECT_DIRECTORIES) {
    const inside = paths.filter((p) => p.split('/').includes(name));
    if (inside.length > 0) {
      logger.warning(
        `The package holds ${inside.length} files under ${name}/ (e.g. ${inside[0]}); if that is not intended, point "path" at the build output or add "${name}" to "exclude".`,
      );
    }
  }
  if (fileCount > MANY_FILES) {
    logger.warning(
      `The package holds ${fileCount} files, an unusually large number; check that "path", "include" and "exclude" select only what should be published.`,
    );
  }
  for (const pattern of include) {
    const matches = globMatcher(pattern);
    // A file is included when it or a parent directory matches (the builder's rule).
    if (matches !== undefined && !paths.some((p) => ancestorsAndSelf(p).some(matches))) {
      logger.warning(
        `"include" pattern ${pattern} matches no file; check it against the files under "path".`,
      );
    }
  }
}

function ancestorsAndSelf(path: string): string[] {
  const parts = path.split('/');
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}

/**
 * `*`, `?` and `**` only; undefined for anything richer (braces, classes, extglobs), which is then not
 * second-guessed here: the builder's matcher is the authority, this only spots patterns that select nothing.
 */
function globMatcher(pattern: string): ((path: string) => boolean) | undefined {
  const text = pattern.replace(/^\.\//, '');
  if (/[{}[\]()!+@\\]/.test(text)) return undefined;
  let source = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '*' && text[i + 1] === '*') {
      i++;
      if (text[i + 1] === '/') {
        i++;
        source += '(?:.*/)?';
      } else source += '.*';
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.^$|]/g, '\\$&');
  }
  const regex = new RegExp(`^${source.replace(/\/$/, '')}$`);
  return (path) => regex.test(path);
}
