// What a built package holds that is rarely meant to be published (read from the package's central
// directory), and the `include`/`exclude` patterns that did nothing (as the builder's walk found): warnings.

import { type BuiltPackage, readPackage } from '@proget-ci/core';
import type { StepLogger } from '../shared/io.js';

// More files than an application package usually has: worth a look before it lands in a feed.
export const MANY_FILES = 10_000;
const SUSPECT_DIRECTORIES = ['node_modules', '.git'];

/** `unmatched`: the builder's patterns that selected or excluded nothing, as the user gave them. */
export async function warnAboutContents(
  file: string,
  fileCount: number,
  unmatched: BuiltPackage['unmatchedPatterns'],
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
  for (const pattern of unmatched.include) {
    logger.warning(`"include" pattern ${pattern} matches no file; check it against the files under "path".`);
  }
  for (const pattern of unmatched.exclude) {
    logger.warning(
      `Exclusion pattern ${pattern} ("exclude", or "!${pattern}" in "include") matches no file; check it against the files under "path".`,
    );
  }
}
