// The GitHub workflows: actionlint (scripts/lint-workflows.mjs) passes on them and fails on a broken one,
// and they keep the release promises (three OSes, pinned actions, tokens optional, provenance).

import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const workflows = join(root, '.github', 'workflows');
const lint = join(root, 'scripts', 'lint-workflows.mjs');
const { parse } = createRequire(join(root, 'action', 'package.json'))('yaml') as {
  parse(text: string): Workflow;
};

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
}
interface Job {
  needs?: string;
  permissions?: Record<string, string>;
  env?: Record<string, string>;
  strategy?: { matrix: { os: string[] } };
  steps: Step[];
}
interface Workflow {
  on: unknown;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

function runLint(...args: string[]) {
  const r = spawnSync(process.execPath, [lint, ...args], { cwd: root, encoding: 'utf8', timeout: 170_000 });
  return { status: r.status, out: r.stdout + r.stderr };
}

let scratch: string;
let ci: Workflow;
let release: Workflow;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'workflows-'));
  ci = parse(await readFile(join(workflows, 'ci.yml'), 'utf8'));
  release = parse(await readFile(join(workflows, 'release.yml'), 'utf8'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('lint-workflows (actionlint)', () => {
  it('passes on the repository workflows', () => {
    const r = runLint();
    expect(r.out).toMatch(/lint-workflows: \d+ workflow file\(s\) passed actionlint/);
    expect(r.status).toBe(0);
  }, 180_000);

  it('fails on broken workflows, naming the file, line and problem', async () => {
    const text = await readFile(join(workflows, 'release.yml'), 'utf8');
    const broken = text
      .replace('needs: verify', 'needs: verfy')
      .replace("if: env.VSCE_PAT == ''", "if: secrets.VSCE_PAT == ''");
    expect(broken).not.toBe(text);
    const dir = await mkdtemp(join(scratch, 'broken-'));
    await writeFile(join(dir, 'release.yml'), broken);
    await writeFile(join(dir, 'odd.yaml'), 'name: odd\non: push\njobs:\n  a:\n    steps: []\n');
    const r = runLint(dir);
    expect(r.status).toBe(1);
    expect(r.out).toMatch(
      /release\.yml:\d+:\d+: job "github-release" needs job "verfy" which does not exist/,
    );
    expect(r.out).toMatch(/release\.yml:\d+:\d+: context "secrets" is not allowed here/);
    expect(r.out).toMatch(/odd\.yaml:\d+:\d+: "runs-on" section is missing in job "a"/);
    expect(r.out).toContain('problem(s) in 2 workflow file(s)');
  }, 180_000);

  it('fails when there is nothing to lint', async () => {
    const none = runLint(await mkdtemp(join(scratch, 'empty-')));
    expect(none.status).toBe(1);
    expect(none.out).toContain('lint-workflows: no workflow files (.yml or .yaml) found');
  });
});

const steps = (workflow: Workflow) => Object.values(workflow.jobs).flatMap((job) => job.steps ?? []);

describe('workflows', () => {
  it('pin every action to a full version', () => {
    // This repository's own actions (./...) run from the checked-out commit; every other one is pinned.
    const uses = [...steps(ci), ...steps(release)].map((s) => s.uses).filter((u) => u && !u.startsWith('./'));
    expect(uses.length).toBeGreaterThan(0);
    for (const u of uses) expect(u).toMatch(/^[\w.-]+\/[\w.-]+@v\d+\.\d+\.\d+$/);
  });

  it('CI runs the unit tests and the bundles on ubuntu, windows and macos, and checks the committed bundles', () => {
    expect(ci.jobs.test!.strategy!.matrix.os).toEqual(['ubuntu-latest', 'windows-latest', 'macos-latest']);
    const runs = steps(ci).map((s) => s.run ?? '');
    expect(runs).toContain(
      'pnpm exec vitest run test/integration/action test/reliability/bad-input-action.test.ts',
    );
    expect(runs).toContain('node action/scripts/check-dist.mjs');
    expect(runs).toContain('node action/scripts/gen-root-action.mjs --check');
    expect(runs).toContain('node scripts/lint-workflows.mjs');
  });

  it('CI runs the root action and a sub-action on the runner itself, against the simulator', () => {
    const job = ci.jobs.runner!;
    const local = job.steps.filter((s) => s.uses?.startsWith('./'));
    expect(local.map((s) => [s.uses, (s as { with?: Record<string, string> }).with?.command])).toEqual([
      ['./', 'publish'],
      ['./', 'promote-check'],
      ['./action/deploy-record', undefined],
    ]);
    expect(job.steps.map((s) => s.run ?? '').join('\n')).toContain('pnpm sim --port 8624');
  });

  it('release runs on vX.Y.Z tags, verifies first, and moves the major tag', () => {
    expect(release.on).toEqual({ push: { tags: ['v[0-9]+.[0-9]+.[0-9]+'] } });
    expect(release.permissions).toEqual({ contents: 'read' });
    expect(release.jobs['github-release']!.needs).toBe('verify');
    expect(release.jobs['github-release']!.permissions).toEqual({ contents: 'write' });
    const verify = release.jobs.verify!.steps.map((s) => s.run ?? '');
    expect(verify).toContain('node action/scripts/check-dist.mjs');
    expect(verify.join('\n')).toContain('pnpm exec vitest run');
    const gh = release.jobs['github-release']!.steps.map((s) => s.run ?? '').join('\n');
    expect(gh).toContain('gh release create "$GITHUB_REF_NAME" "$vsix" --verify-tag');
    expect(gh).toContain('git push --force origin "refs/tags/$major"');
  });

  it('publishes to each registry only with its token, with a notice otherwise; npm with provenance', () => {
    const registries = { npm: 'NODE_AUTH_TOKEN', 'vscode-marketplace': 'VSCE_PAT', 'open-vsx': 'OVSX_PAT' };
    for (const [job, token] of Object.entries(registries)) {
      const spec = release.jobs[job]!;
      expect(spec.needs, job).toBe('github-release');
      expect(spec.env?.[token], job).toMatch(/^\$\{\{ secrets\.\w+ \}\}$/);
      const [skip, ...rest] = spec.steps;
      expect(skip!.if).toBe(`env.${token} == ''`);
      expect(skip!.run).toMatch(/^echo "::notice::\w+ is not set; /);
      for (const step of rest)
        expect(step.if, `${job}: ${step.name ?? step.uses}`).toBe(`env.${token} != ''`);
    }
    expect(release.jobs.npm!.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(JSON.stringify(release.jobs.npm!.steps)).toContain('publish --provenance --access public');
    for (const job of Object.keys(release.jobs)) {
      if (job !== 'npm') expect(release.jobs[job]!.permissions?.['id-token'], job).toBeUndefined();
    }
  });
});
