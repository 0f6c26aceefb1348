// CI guard: action/dist is what GitHub runs, so it must be exactly what the sources build to.
// Rebuilds into a temp dir and compares byte for byte with the committed files.
// Usage: node action/scripts/check-dist.mjs [dist-dir]   (default action/dist; tests pass a copy)

import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const actionDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const committed = resolve(process.argv[2] ?? join(actionDir, 'dist'));
const fresh = await mkdtemp(join(tmpdir(), 'proget-ci-dist-'));
const STALE = 'action/dist is stale: run pnpm build and commit';

try {
  execFileSync(process.execPath, [join(actionDir, 'build.mjs'), fresh], { stdio: 'inherit' });
  const problems = [];
  const [want, have] = await Promise.all([listFiles(fresh), listFiles(committed)]);
  for (const file of want) {
    if (!have.includes(file)) problems.push(`missing: dist/${file}`);
    else if (!(await readFile(join(fresh, file))).equals(await readFile(join(committed, file)))) {
      problems.push(`differs: dist/${file}`);
    }
  }
  for (const file of have) if (!want.includes(file)) problems.push(`not built by the sources: dist/${file}`);
  if (process.argv[2] === undefined) problems.push(...uncommitted());
  if (problems.length > 0) {
    console.error(`${STALE}\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    process.exitCode = 1;
  } else {
    console.log(`action/dist is up to date (${want.length} files)`);
  }
} finally {
  await rm(fresh, { recursive: true, force: true });
}

async function listFiles(dir) {
  try {
    return (await readdir(dir, { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath ?? entry.path, entry.name).slice(dir.length + 1))
      .sort();
  } catch (e) {
    if (e.code === 'ENOENT') return [];
    throw e;
  }
}

/** dist matching the sources is not enough if the matching files were never committed. */
function uncommitted() {
  try {
    const status = execFileSync('git', ['status', '--porcelain', '--', 'dist'], {
      cwd: actionDir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return status
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => `not committed: ${line.slice(3)}`);
  } catch {
    return []; // not a git checkout (e.g. an unpacked release): the byte comparison is the check
  }
}
