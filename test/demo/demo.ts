// The main job: the bundled sub-actions, run exactly as the GitHub runner runs them, against the simulator
// (or a real ProGet with PROGET_URL and PROGET_API_KEY): publish → audit (the app's lockfile through ProGet's
// supply-chain analysis: a noncompliant package fails it) → promote-check (fails: not promoted yet)
// → promote (as a person would, through the core client) → promote-check (passes) → deploy-record.
// Prints each step's outputs, annotations and job summary; exits 0 only if every step behaved as expected.

import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProGetClient } from '@proget-ci/core';
import { type ActionRun, runAction, type SubAction } from '../integration/action/runner.js';
import { type SimulatorHandle, startSimulator } from '../sim/index.js';
import { SCA_KEYS } from '../sim/sca/seed.js';

const here = dirname(fileURLToPath(import.meta.url));
const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (s: string) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[0m` : s);

interface Target {
  url: string;
  devFeed: string;
  approvedFeed: string;
  keys: { publish: string; check: string; promote: string; deploy: string; audit: string };
  version: string;
  sim?: SimulatorHandle;
}

async function target(): Promise<Target> {
  const url = process.env.PROGET_URL;
  if (url) {
    const key = process.env.PROGET_API_KEY;
    if (!key) throw new Error('PROGET_URL is set but PROGET_API_KEY is not');
    return {
      url,
      devFeed: process.env.PROGET_DEV_FEED || 'dev-feed',
      approvedFeed: process.env.PROGET_APPROVED_FEED || 'approved-feed',
      keys: { publish: key, check: key, promote: key, deploy: key, audit: key },
      // A real server keeps what earlier runs published: a fresh version each run.
      version: `1.0.${Math.floor(Date.now() / 1000)}`,
    };
  }
  const sim = await startSimulator({ seed: 'demo', apiKeys: SCA_KEYS });
  return {
    url: sim.url,
    devFeed: 'dev-feed',
    approvedFeed: 'approved-feed',
    // Least privilege per step, as a careful workflow would hold them.
    keys: {
      publish: 'demo-publish-key',
      check: 'demo-view-key',
      promote: 'demo-promote-key',
      deploy: 'demo-view-key',
      audit: 'demo-sca-key',
    },
    version: '2.0.0',
    sim,
  };
}

const failures: string[] = [];
function expectThat(ok: boolean, what: string): void {
  console.log(`  ${ok ? '✔' : '✘'} ${what}`);
  if (!ok) failures.push(what);
}

/** The job summary as a terminal can show it: Markdown with the HTML bits turned back into text. */
function renderSummary(markdown: string): string {
  return markdown
    .replace(/<code>(.*?)<\/code>/g, '`$1`')
    .replace(/<br>/g, ' / ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .trimEnd()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}

function show(title: string, run: ActionRun): void {
  console.log(
    `\n${bold(`▶ ${title}`)}  ${dim(`(node action/dist/${run.name}.js → exit ${run.exitCode}, ${Math.round(run.durationMs)} ms)`)}`,
  );
  const outputs = Object.entries(run.outputs);
  if (outputs.length > 0) {
    console.log('  outputs:');
    for (const [k, v] of outputs) console.log(`    ${k} = ${v.length > 160 ? `${v.slice(0, 160)}…` : v}`);
  }
  for (const c of run.commands.filter((c) => ['error', 'warning', 'notice'].includes(c.command))) {
    const title = c.properties.title ? ` [${c.properties.title}]` : '';
    console.log(`  ::${c.command}::${title} ${c.message.replace(/\n/g, '\n      ')}`);
  }
  if (run.summary.trim()) console.log(`  job summary:\n${renderSummary(run.summary)}`);
  if (run.stderr.trim()) console.log(`  stderr:\n${run.stderr.trimEnd().replace(/^/gm, '    ')}`);
}

async function main(): Promise<void> {
  const t = await target();
  const workspace = await mkdtemp(join(tmpdir(), 'proget-ci-demo-'));
  await cp(join(here, 'sample'), join(workspace, 'sample'), { recursive: true });
  // The app's lockfile, at the root of the checkout as a repository would have it.
  await cp(join(here, 'lockfile', 'package-lock.json'), join(workspace, 'package-lock.json'));
  const pkg = { group: 'demo/apps', name: 'hello-web', version: t.version };
  const ref = `${pkg.group}/${pkg.name}@${pkg.version}`;
  const allKeys = [...new Set(Object.values(t.keys))];
  const runs: ActionRun[] = [];
  const run = async (
    name: SubAction,
    title: string,
    inputs: Record<string, string>,
    env?: Record<string, string>,
  ) => {
    const r = await runAction(name, { inputs: { server: t.url, ...inputs }, workspace, env });
    runs.push(r);
    show(title, r);
    return r;
  };

  console.log(bold(`proget-ci demo against ${t.sim ? `the ProGet simulator at ${t.url}` : t.url}`));
  console.log(dim(`  package ${ref}, ${t.devFeed} → ${t.approvedFeed}; workspace ${workspace}`));

  try {
    // 1. Publish on a tag: metadata from sample/upack.json, version and provenance from the run.
    const published = await run('publish', `1. publish ${ref} to ${t.devFeed}`, {
      'api-key': t.keys.publish,
      feed: t.devFeed,
      path: 'sample',
      group: pkg.group,
      version: pkg.version,
      exclude: '**/*.tmp',
      metadata: '_team: web\n_ticket: DEMO-1',
      'upload-artifact': 'true',
    });
    expectThat(published.exitCode === 0, 'publish succeeds');
    expectThat(/^[0-9a-f]{40}$/.test(published.outputs.sha1 ?? ''), 'publish outputs the SHA-1');
    expectThat(published.outputs.skipped === 'false', 'publish uploaded (skipped = false)');
    expectThat(
      published.warnings.some((w) => w.startsWith('upload-artifact: not attached')),
      'no artifact service outside GitHub: a warning, not a failure',
    );

    // 1b. Re-running the workflow on the same commit is safe: same content, nothing to upload.
    const rerun = await run(
      'publish',
      `1b. publish ${ref} again (a re-run of the same commit)`,
      {
        'api-key': t.keys.publish,
        feed: t.devFeed,
        path: 'sample',
        group: pkg.group,
        version: pkg.version,
        exclude: '**/*.tmp',
        metadata: '_team: web\n_ticket: DEMO-1',
      },
      { GITHUB_RUN_ATTEMPT: '2' },
    );
    expectThat(rerun.exitCode === 0, 're-running publish on the same commit succeeds');
    expectThat(rerun.outputs.skipped === 'true', 'the re-run uploads nothing (skipped = true)');

    // 1c. Audit the app's dependencies in ProGet: an SBOM generated from package-lock.json, imported as a
    // build of the app; ProGet finds lodash 4.17.20 noncompliant (a critical vulnerability), so the step fails.
    const audited = await run(
      'audit',
      `1c. audit ${pkg.name} ${pkg.version} (expected to fail: noncompliant)`,
      {
        'api-key': t.keys.audit,
        generate: 'true',
        project: pkg.name,
        version: pkg.version,
        sarif: 'proget-audit.sarif',
      },
    );
    expectThat(
      ['compliant', 'warn', 'noncompliant', 'inconclusive'].includes(audited.outputs.status ?? ''),
      'audit outputs a status',
    );
    expectThat(/^\d+$/.test(audited.outputs['issue-count'] ?? ''), 'audit outputs the issue count');
    expectThat(audited.summary.includes('### ProGet audit:'), 'audit writes its job summary');
    if (t.sim) {
      expectThat(audited.exitCode === 1, 'audit fails the step: the build is noncompliant');
      expectThat(audited.outputs.status === 'noncompliant', 'status = noncompliant');
      expectThat(
        audited.commands.some(
          (c) =>
            c.command === 'error' &&
            c.properties.title === 'Noncompliant in ProGet: lodash 4.17.20' &&
            c.properties.file === 'package-lock.json' &&
            Number(c.properties.line) > 1,
        ),
        'an ::error annotation on the package-lock.json line that brings in lodash 4.17.20',
      );
      expectThat(
        ['❌ Noncompliant', '❔ Inconclusive', '⚠️ Warn', '✅ Compliant'].every((w) =>
          audited.summary.includes(w),
        ),
        'the summary lists a package of every verdict, problems first',
      );
    }

    // 2. The pull request check: not promoted yet, so it fails and says how to promote.
    const checkInputs = {
      'api-key': t.keys.check,
      packages: `# what this PR deploys\n${ref}\n`,
      'from-feed': t.devFeed,
      'to-feed': t.approvedFeed,
    };
    const before = await run(
      'promote-check',
      `2. promote-check ${ref} (expected to fail: not promoted yet)`,
      checkInputs,
    );
    expectThat(before.exitCode === 1, 'promote-check fails before the promotion');
    expectThat(before.outputs.promoted === 'false', 'promoted = false');
    expectThat(
      before.errors.some((e) => e.includes('pgutil packages promote') && e.includes(ref.replace('@', ' '))),
      'an ::error annotation says how to promote it',
    );

    // 3. Someone approves it in ProGet (here through the core client, with a key that may promote).
    const client = new ProGetClient({ url: t.url, apiKey: t.keys.promote });
    await client.promotions.promote({
      ...pkg,
      fromFeed: t.devFeed,
      toFeed: t.approvedFeed,
      comments: 'Approved in the proget-ci demo',
    });
    console.log(
      `\n${bold(`▶ 3. promote ${ref} ${t.devFeed} → ${t.approvedFeed}`)}  ${dim('(core client, as a person would in ProGet)')}`,
    );
    expectThat(true, 'promoted');

    // 4. The same check now passes.
    const after = await run('promote-check', `4. promote-check ${ref} again (expected to pass)`, checkInputs);
    expectThat(after.exitCode === 0, 'promote-check passes after the promotion');
    expectThat(after.outputs.promoted === 'true', 'promoted = true');
    expectThat(
      after.summary.includes('Approved in the proget-ci demo'),
      'the summary shows the promotion comment',
    );

    // 5. Record the deployment from the deploy job.
    const deployed = await run(
      'deploy-record',
      `5. deploy-record ${ref} from ${t.approvedFeed} to production`,
      {
        'api-key': t.keys.deploy,
        feed: t.approvedFeed,
        group: pkg.group,
        package: pkg.name,
        version: pkg.version,
      },
      { GITHUB_ENVIRONMENT: 'production', GITHUB_JOB: 'deploy' },
    );
    expectThat(deployed.exitCode === 0, 'deploy-record succeeds');
    expectThat(deployed.outputs.recorded === 'true', 'recorded = true');
    if (t.sim) {
      const record = t.sim.deployments().at(-1);
      expectThat(
        record?.packageName === pkg.name && record.target === 'production' && record.version === pkg.version,
        'the simulator holds the deployment record',
      );
    }

    // Secrets: masked, and nowhere a person or a log could read them.
    console.log(`\n${bold('▶ secrets')}`);
    for (const r of runs) {
      const seen = [
        r.stdout.replace(/^::add-mask::.*$/gm, ''),
        r.stderr,
        JSON.stringify(r.outputs),
        r.summary,
      ].join('\n');
      expectThat(
        allKeys.every((k) => !seen.includes(k)),
        `${r.name}: no API key in stdout, stderr, outputs or summary`,
      );
      expectThat(
        r.masks.length > 0 && r.masks.every((m) => allKeys.includes(m)),
        `${r.name}: the API key is masked`,
      );
    }
    if (t.sim) {
      const urls = t.sim.requests().map((q) => q.url);
      expectThat(
        urls.every((u) => allKeys.every((k) => !u.includes(k))),
        `no API key in any of the ${urls.length} request URLs the simulator saw`,
      );
    }
  } finally {
    await t.sim?.close();
    await rm(workspace, { recursive: true, force: true });
  }

  console.log('');
  if (failures.length > 0) {
    console.log(bold(`demo FAILED: ${failures.length} expectation(s) not met:`));
    for (const f of failures) console.log(`  - ${f}`);
    process.exitCode = 1;
  } else {
    console.log(
      bold(
        'demo OK: publish → audit (noncompliant) → promote-check (fails) → promote → promote-check (passes) → deploy-record',
      ),
    );
  }
}

main()
  .catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  })
  // A step killed mid-upload can leave a socket behind; the verdict is in, so do not wait for it.
  .finally(() => process.exit());
