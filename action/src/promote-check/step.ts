// The promote-check sub-action: inputs → checkPromotions() → outputs, annotations, summary, verdict.

import type { PackageVersionId } from '@proget-ci/core';
import { describePackage, versionPageUrl } from '@proget-ci/core';
import type { StepEnvironment } from '../shared/environment.js';
import { StepError } from '../shared/errors.js';
import { readManifestFile } from '../shared/manifest-file.js';
import { cell, code, link, table } from '../shared/markdown.js';
import { checkPromotions, type PackageCheck, type PromoteCheckResult } from './check.js';
import { pinnedDependencies, type UncheckableDependency } from './dependencies.js';
import { type PromoteCheckInputs, readPromoteCheckInputs } from './inputs.js';

const MAX_ANNOTATIONS = 10;

export async function promoteCheckStep(env: StepEnvironment): Promise<void> {
  const { io, context } = env;
  const inputs = readPromoteCheckInputs(io, context);
  const { packages, unpinned } = await selectPackages(inputs);
  const client = env.createClient(inputs.connection);
  const server = client.baseUrl;

  const result =
    packages.length === 0
      ? { promoted: true, checks: [], missing: [], polls: 0 }
      : await checkPromotions(client, {
          packages,
          fromFeed: inputs.fromFeed,
          toFeed: inputs.toFeed,
          requireInTarget: inputs.requireInTarget,
          waitTimeoutMs: inputs.waitTimeoutMs,
          pollIntervalMs: inputs.pollIntervalMs,
          logger: io,
        });

  const level = inputs.mode === 'fail' ? 'error' : 'warning';
  const problems = [
    ...result.missing.map((check) => ({
      title: `Not promoted: ${describePackage(check.package)}`,
      message: howToPromote(server, inputs, check),
    })),
    ...unpinned.map((dep) => ({
      title: `Cannot check: ${dep.dependency}`,
      message: `Dependency ${dep.dependency} ${dep.reason}, so its promotion cannot be checked; pin it as group:name:version.`,
    })),
  ];
  // GitHub shows only the first 10 annotations of each kind per step: the rest go to the log.
  problems.forEach((p, i) => {
    if (i < MAX_ANNOTATIONS) io.annotate(level, p.message, p.title);
    else io.info(`${p.title}: ${p.message}`);
  });
  if (problems.length > MAX_ANNOTATIONS) {
    io.info(
      `${problems.length - MAX_ANNOTATIONS} more beyond the ${MAX_ANNOTATIONS} annotations: see above and the job summary.`,
    );
  }

  const allPromoted = result.promoted && unpinned.length === 0;
  io.setOutput('promoted', String(allPromoted));
  io.setOutput('missing', JSON.stringify(result.missing.map((c) => idJson(c.package))));
  io.setOutput('results', JSON.stringify(resultsJson(result, unpinned)));
  await io.appendSummary(promoteCheckSummary(server, inputs, result, unpinned));

  const total = result.checks.length + unpinned.length;
  if (total === 0) {
    io.warning('Nothing to check: the manifest lists no dependencies.');
    return;
  }
  if (allPromoted) {
    io.info(`All ${total} package versions are promoted to ${inputs.toFeed}.`);
    return;
  }
  const bad = [
    ...result.missing.map((c) => describePackage(c.package)),
    ...unpinned.map((d) => d.dependency),
  ];
  const verdict = `${bad.length} of ${total} package versions ${bad.length === 1 ? 'is' : 'are'} not promoted to ${inputs.toFeed}${
    unpinned.length > 0 ? ' or cannot be checked' : ''
  }: ${bad.slice(0, 10).join(', ')}${bad.length > 10 ? `, and ${bad.length - 10} more` : ''}`;
  if (inputs.mode === 'fail') throw new StepError(verdict);
  io.warning(`${verdict} (mode: warn, so the step passes)`);
}

async function selectPackages(
  inputs: PromoteCheckInputs,
): Promise<{ packages: PackageVersionId[]; unpinned: UncheckableDependency[] }> {
  const selection = inputs.selection;
  if (selection.kind === 'list') return { packages: selection.packages, unpinned: [] };
  const manifest = await readManifestFile(selection.path);
  if (selection.checkDependencies) {
    const { pinned, unpinned } = pinnedDependencies({
      dependencies: Array.isArray(manifest.dependencies) ? manifest.dependencies.map(String) : [],
    });
    return { packages: pinned, unpinned };
  }
  const name = typeof manifest.name === 'string' ? manifest.name : undefined;
  const version = typeof manifest.version === 'string' ? manifest.version : undefined;
  if (!name || !version) {
    throw new StepError(`${selection.path} has no name and version to check`);
  }
  const group = typeof manifest.group === 'string' && manifest.group !== '' ? manifest.group : undefined;
  return { packages: [group ? { group, name, version } : { name, version }], unpinned: [] };
}

function idJson(id: PackageVersionId) {
  return id.group
    ? { group: id.group, name: id.name, version: id.version }
    : { name: id.name, version: id.version };
}

function resultsJson(result: PromoteCheckResult, unpinned: UncheckableDependency[]) {
  return [
    ...result.checks.map((c) => ({
      ...idJson(c.package),
      promoted: c.status === 'promoted',
      status: c.status,
      reason: c.reason,
      ...(c.inTarget === undefined ? {} : { inTarget: c.inTarget }),
      ...(c.promotion ? { promotion: c.promotion } : {}),
    })),
    ...unpinned.map((d) => ({
      dependency: d.dependency,
      promoted: false,
      status: 'unpinned',
      reason: d.reason,
    })),
  ];
}

/** What a person should do about one missing package: where to click, or what to run. */
export function howToPromote(server: string, inputs: PromoteCheckInputs, check: PackageCheck): string {
  const pkg = check.package;
  const from = inputs.fromFeed ?? '<source-feed>';
  const what = describePackage(pkg);
  const packageArg = pkg.group ? `${pkg.group}/${pkg.name}` : pkg.name;
  const command = `pgutil packages promote --feed=${from} --to-feed=${inputs.toFeed} --package=${packageArg} --version=${pkg.version}`;
  const page = inputs.fromFeed ? versionPageUrl(server, inputs.fromFeed, pkg) : `${server}/feeds`;
  const first =
    check.status === 'not-in-target'
      ? `${what} was promoted to ${inputs.toFeed}${check.promotion?.date ? ` on ${check.promotion.date}` : ''} but is no longer in that feed; promote it again.`
      : `${what} has not been promoted${inputs.fromFeed ? ` from ${inputs.fromFeed}` : ''} to ${inputs.toFeed}.`;
  return `${first} Promote it in ProGet (${page}, "Promote"), or run: ${command} (API: POST ${server}/api/promotions/promote).`;
}

const STATUS_TEXT: Record<string, string> = {
  promoted: '✅ promoted',
  'not-promoted': '❌ not promoted',
  'not-in-target': '❌ promoted, not in target',
};

export function promoteCheckSummary(
  server: string,
  inputs: PromoteCheckInputs,
  result: PromoteCheckResult,
  unpinned: UncheckableDependency[],
): string {
  const total = result.checks.length + unpinned.length;
  const good = result.checks.length - result.missing.length;
  const rows = result.checks.map((c) => {
    const p = c.promotion;
    const page = versionPageUrl(
      server,
      c.status === 'promoted' ? inputs.toFeed : (inputs.fromFeed ?? inputs.toFeed),
      c.package,
    );
    return [
      code(c.package.group ? `${c.package.group}/${c.package.name}` : c.package.name),
      code(c.package.version),
      STATUS_TEXT[c.status] ?? c.status,
      cell(p?.date),
      cell(p?.user),
      p ? `${code(p.fromFeed)} → ${code(p.toFeed)}` : '',
      cell(p?.comments),
      link('open', page),
    ];
  });
  for (const d of unpinned)
    rows.push([code(d.dependency), '', `⚠️ cannot check: ${cell(d.reason)}`, '', '', '', '', '']);
  const heading =
    good === total
      ? `### ProGet promotion check: all ${total} promoted to \`${inputs.toFeed}\``
      : `### ProGet promotion check: ${total - good} of ${total} not promoted to \`${inputs.toFeed}\``;
  return [
    heading,
    '',
    table(['Package', 'Version', 'Status', 'When', 'By', 'From → to', 'Comments', 'Link'], rows),
    '',
    '',
  ].join('\n');
}
