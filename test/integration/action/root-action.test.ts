// The root action (action.yml at the repository root) run the runner's way: `node action/dist/run.js` with
// INPUT_* for every input of the root action.yml (its defaults filled in) and the chosen `command`, against
// the simulator. Each step must behave exactly as its own sub-action does.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../../sim/index.js';
import { expectNoStackTrace, expectSecretsKept } from './expectations.js';
import {
  ACTION_DIR,
  type ActionRun,
  DEFAULT_CONTEXT,
  ensureBundles,
  inputVariable,
  parseOutputFile,
  parseWorkflowCommands,
  REPO_ROOT,
  type SubAction,
} from './runner.js';

let sim: SimulatorHandle;
const PUBLISH_KEY = 'demo-publish-key';
const VIEW_KEY = 'demo-view-key';
const PROMOTED = { group: 'initrode/vendors/abl', name: 'ABLast', version: '2.2.1' }; // seeded, promoted

beforeAll(async () => {
  ensureBundles();
  sim = await startSimulator({ seed: 'demo' });
});
afterAll(async () => {
  await sim?.close();
});

// The action's own YAML parser, as runner.ts does, so test/ needs no dependency of its own.
const { parse } = createRequire(join(ACTION_DIR, 'package.json'))('yaml') as { parse(text: string): unknown };

interface RootYml {
  inputs: Record<string, { default?: string }>;
  runs: { using: string; main: string };
}

/** Like runner.ts's runAction, but for the root action.yml, whose inputs are every step's. */
async function runRoot(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<ActionRun> {
  const yml = parse(await readFile(join(REPO_ROOT, 'action.yml'), 'utf8')) as RootYml;
  const main = resolve(REPO_ROOT, yml.runs.main);
  if (!existsSync(main)) throw new Error(`${main} does not exist: run pnpm build`);
  for (const input of Object.keys(inputs)) {
    if (!(input in yml.inputs)) throw new Error(`the root action has no input "${input}"`);
  }
  const runDir = await mkdtemp(join(tmpdir(), 'proget-action-root-'));
  const workspace = join(runDir, 'workspace');
  const temp = join(runDir, 'runner-temp');
  await mkdir(join(workspace, 'app'), { recursive: true });
  await mkdir(temp);
  await writeFile(join(workspace, 'app', 'README.md'), '# app\n');
  const files = Object.fromEntries(
    ['output', 'step_summary', 'env', 'path', 'state'].map((f) => [f, join(runDir, f)]),
  );
  for (const file of Object.values(files)) await writeFile(file, '');
  const childEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    LANG: 'C.UTF-8',
    ...DEFAULT_CONTEXT,
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: temp,
    GITHUB_OUTPUT: files.output!,
    GITHUB_STEP_SUMMARY: files.step_summary!,
    GITHUB_ENV: files.env!,
    GITHUB_PATH: files.path!,
    GITHUB_STATE: files.state!,
    ...env,
  };
  for (const [input, spec] of Object.entries(yml.inputs)) {
    const value = inputs[input] || spec.default;
    if (value !== undefined) childEnv[inputVariable(input)] = value;
  }
  const started = performance.now();
  const child = spawn(process.env.PROGET_CI_NODE || process.execPath, [main], {
    cwd: workspace,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => stdout.push(c));
  child.stderr.on('data', (c: Buffer) => stderr.push(c));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done, reject) => {
    child.once('error', reject);
    child.once('close', (code, sig) => done([code, sig]));
  });
  clearTimeout(timer);
  const out = Buffer.concat(stdout).toString('utf8');
  const commands = parseWorkflowCommands(out);
  const run: ActionRun = {
    name: (inputs.command ?? 'publish') as SubAction,
    exitCode,
    signal,
    stdout: out,
    stderr: Buffer.concat(stderr).toString('utf8'),
    outputs: parseOutputFile(await readFile(files.output!, 'utf8')),
    summary: await readFile(files.step_summary!, 'utf8'),
    commands,
    errors: commands.filter((c) => c.command === 'error').map((c) => c.message),
    warnings: commands.filter((c) => c.command === 'warning').map((c) => c.message),
    notices: commands.filter((c) => c.command === 'notice').map((c) => c.message),
    masks: commands.filter((c) => c.command === 'add-mask').map((c) => c.message),
    durationMs: performance.now() - started,
    runDir,
  };
  await rm(runDir, { recursive: true, force: true });
  return run;
}

describe('root action bundle (action/dist/run.js)', () => {
  it('command: publish publishes and verifies, as the publish sub-action does', async () => {
    const run = await runRoot({
      command: 'publish',
      server: sim.url,
      'api-key': PUBLISH_KEY,
      feed: 'dev-feed',
      path: 'app',
      group: 'it/root',
      name: 'web',
      version: '3.1.4',
    });
    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({
      'package-name': 'web',
      group: 'it/root',
      version: '3.1.4',
      feed: 'dev-feed',
      skipped: 'false',
      'package-url': `${sim.url}/feeds/dev-feed/it/root/web/3.1.4`,
    });
    expect(run.outputs.sha1).toMatch(/^[0-9a-f]{40}$/);
    expect(run.warnings).toEqual([]);
    expect(run.summary).toContain('web');
    expect(sim.requests().some((r) => r.method === 'PUT' || r.method === 'POST')).toBe(true);
    expectSecretsKept(run, [PUBLISH_KEY], sim);
  });

  it('command: promote-check passes for a promoted version and uses its own defaults (mode fail)', async () => {
    const ok = await runRoot({
      command: 'promote-check',
      server: sim.url,
      'api-key': VIEW_KEY,
      'from-feed': 'dev-feed',
      'to-feed': 'approved-feed',
      packages: `${PROMOTED.group}/${PROMOTED.name}@${PROMOTED.version}`,
    });
    expect(ok.errors).toEqual([]);
    expect(ok.exitCode).toBe(0);
    expect(ok.outputs.promoted).toBe('true');
    expect(JSON.parse(ok.outputs.missing!)).toEqual([]);
    expectSecretsKept(ok, [VIEW_KEY], sim);

    const missing = await runRoot({
      command: 'promote-check',
      server: sim.url,
      'api-key': VIEW_KEY,
      'from-feed': 'dev-feed',
      'to-feed': 'approved-feed',
      packages: 'HDARS@1.3.9',
    });
    expect(missing.exitCode).toBe(1); // mode's default (fail) reached the step
    expect(missing.outputs.promoted).toBe('false');
    expect(missing.errors.some((e) => e.startsWith('HDARS 1.3.9 has not been promoted from dev-feed'))).toBe(
      true,
    );
    expectNoStackTrace(missing);
  });

  it('command: audit imports and audits the SBOM, with its own defaults (fail-on noncompliant)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'root-audit-'));
    try {
      const sbom = join(dir, 'bom.json');
      await writeFile(
        sbom,
        JSON.stringify({
          bomFormat: 'CycloneDX',
          specVersion: '1.5',
          components: [
            { type: 'library', name: 'lodash', version: '4.17.20', purl: 'pkg:npm/lodash@4.17.20' },
          ],
        }),
      );
      const run = await runRoot({
        command: 'audit',
        server: sim.url,
        'api-key': 'demo-admin-key',
        sbom,
        project: 'root-audit',
      });
      expect(run.exitCode).toBe(1); // fail-on's default (noncompliant) reached the step
      expect(run.outputs.status).toBe('noncompliant');
      expect(JSON.parse(run.outputs.results!)).toMatchObject({ project: 'root-audit', version: '1.2.3' });
      expect(run.warnings).toEqual([]);
      expect(run.errors.at(-1)).toMatch(/^ProGet finds build 1\.2\.3 of root-audit noncompliant/);
      expectNoStackTrace(run);
      expectSecretsKept(run, ['demo-admin-key'], sim);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('command: deploy-record records the deployment', async () => {
    const before = sim.deployments().length;
    const run = await runRoot({
      command: 'deploy-record',
      server: sim.url,
      'api-key': VIEW_KEY,
      feed: 'approved-feed',
      group: PROMOTED.group,
      package: PROMOTED.name,
      version: PROMOTED.version,
      target: 'staging',
    });
    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toEqual({ recorded: 'true' });
    expect(sim.deployments()).toHaveLength(before + 1);
    expect(sim.deployments().at(-1)).toMatchObject({
      application: 'GitHub Actions', // deploy-record's default, from the root action.yml
      target: 'staging',
      packageName: 'ABLast',
      version: '2.2.1',
    });
    expectSecretsKept(run, [VIEW_KEY], sim);
  });

  it("warns about another step's input that was set, and ignores it", async () => {
    const run = await runRoot({
      command: 'promote-check',
      server: sim.url,
      'api-key': VIEW_KEY,
      'to-feed': 'approved-feed',
      feed: 'dev-feed',
      packages: `${PROMOTED.group}/${PROMOTED.name}@${PROMOTED.version}`,
    });
    expect(run.exitCode).toBe(0);
    expect(run.warnings).toEqual([
      'feed is an input of publish, deploy-record, not of promote-check; it is ignored',
    ]);
  });

  it('fails a bad or missing command with one clear ::error:: before any request', async () => {
    const requests = sim.requests().length;
    const bad = await runRoot({
      command: 'publsh',
      server: sim.url,
      'api-key': PUBLISH_KEY,
      feed: 'dev-feed',
    });
    expect(bad.exitCode).toBe(1);
    expect(bad.errors).toEqual([
      'command "publsh" is not a step of this action: use one of publish, promote-check, deploy-record, audit (did you mean publish?)',
    ]);
    expect(bad.outputs).toEqual({});
    expectNoStackTrace(bad);
    const none = await runRoot({ server: sim.url });
    expect(none.exitCode).toBe(1);
    expect(none.errors).toEqual(['command is required: one of publish, promote-check, deploy-record, audit']);
    expect(sim.requests()).toHaveLength(requests);
  });
});
