// Checks that write (only with --write), in order: publishing, then the package's life after it.

import { lifecycleChecks } from './lifecycle-checks.js';
import { publishChecks } from './publish-checks.js';
import type { Check } from './types.js';

export { PACKAGE_NAME } from './write-support.js';

export const writeChecks: Check[] = [...publishChecks, ...lifecycleChecks];
