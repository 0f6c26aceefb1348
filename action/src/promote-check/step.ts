// The promote-check sub-action: inputs → checkPromotions() → outputs, annotations, summary, verdict.

import type { PackageVersionId } from '@proget-ci/core';
import { describePackage, isProGetError } from '@proget-ci/core';
import type { StepEnvironment } from '../shared/environment.js';
import { StepError } from '../shared/errors.js';
import { missingFeedMessage } from '../shared/feed-check.js';
import { readManifestFile } from '../shared/manifest-file.js';
import { checkPromotions, type PromoteCheckResult } from './check.js';
import { type ComplianceOutcome, checkCompliance } from './compliance.js';
import { pinnedDependencies, type UncheckableDependency } from './dependencies.js';
import { type PromoteCheckInputs, readPromoteCheckInputs } from './inputs.js';
import { postStickyComment } from './pr-comment.js';
import {
  complianceProblems,
  idJson,
  missingJson,
  noncompliantOf,
  problemsOf,
  promoteCheckSummary,
  resultsJson,
} from './report.js';

const MAX_ANNOTATIONS = 10;

export async function promoteCheckStep(env: StepEnvironment): Promise<void> {
  try {
    await check(env);
  } catch (e) {
    // A fork's pull request runs without the repository's secrets: say so instead of "bad key".
    const denied = isProGetError(e, 'unauthorized') || isProGetError(e, 'forbidden');
    if (denied && env.context.pullRequest?.fromFork) {
      throw new StepError(
        `${e.message}\nHint: this pull request comes from a fork, and GitHub does not pass secrets to workflows run for forks, so "api-key" is empty here. Run the check on pull requests from branches of this repository, or in a workflow that has the secret (e.g. after merge).`,
      );
    }
    throw e;
  }
}

async function check(env: StepEnvironment): Promise<void> {
  const { io, context } = env;
  const inputs = readPromoteCheckInputs(io, context);
  const { packages, unpinned } = await selectPackages(inputs);
  const client = env.createClient(inputs.connection);
  const server = client.baseUrl;

  const result: PromoteCheckResult =
    packages.length === 0
      ? { promoted: true, checks: [], missing: [], notFound: [], missingFeeds: [], polls: 0, waitedMs: 0 }
      : await checkPromotions(client, {
          packages,
          fromFeed: inputs.fromFeed,
          toFeed: inputs.toFeed,
          requireInTarget: inputs.requireInTarget,
          waitTimeoutMs: inputs.waitTimeoutMs,
          pollIntervalMs: inputs.pollIntervalMs,
          logger: io,
        });

  // A feed that does not exist is never a warning: no wait or promotion can make it pass.
  const feedMissing = result.missingFeeds.length > 0;
  let compliance: ComplianceOutcome | undefined;
  if (inputs.compliance && !feedMissing && result.checks.length > 0) {
    compliance = await checkCompliance(client, result.checks, {
      fromFeed: inputs.fromFeed,
      toFeed: inputs.toFeed,
      logger: io,
    });
    if (!compliance.available) {
      io.warning(`Compliance not checked: ${compliance.reason}; the promotion check goes on without it.`);
    }
  }
  const noncompliant = noncompliantOf(result, compliance);
  const level = inputs.mode === 'fail' || feedMissing ? 'error' : 'warning';
  const problems = [
    ...problemsOf(server, inputs, result, unpinned),
    ...complianceProblems(server, result, compliance),
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
  io.setOutput('missing', JSON.stringify(missingJson(result, unpinned)));
  io.setOutput('not-found', JSON.stringify(result.notFound.map((c) => idJson(c.package))));
  if (inputs.compliance) {
    io.setOutput('noncompliant', JSON.stringify(noncompliant.map((c) => idJson(c.package))));
  }
  io.setOutput('results', JSON.stringify(resultsJson(result, unpinned, compliance)));
  const summary = promoteCheckSummary(server, inputs, result, unpinned, compliance);
  await io.appendSummary(summary);
  if (inputs.commentOnPr) {
    await postStickyComment(io, context, inputs.githubToken, inputs.toFeed, summary);
  }

  const total = result.checks.length + unpinned.length;
  if (total === 0) {
    io.warning('Nothing to check: the manifest lists no dependencies.');
    return;
  }
  const complianceVerdict =
    noncompliant.length === 0
      ? undefined
      : `${noncompliant.length} of ${result.checks.length} package versions ${noncompliant.length === 1 ? 'is' : 'are'} noncompliant or blocked: ${noncompliant
          .slice(0, 10)
          .map((c) => describePackage(c.package))
          .join(', ')}${noncompliant.length > 10 ? `, and ${noncompliant.length - 10} more` : ''}`;
  if (allPromoted) {
    io.info(`All ${total} package versions are promoted to ${inputs.toFeed}.`);
    if (complianceVerdict === undefined) return;
    if (inputs.mode === 'fail') throw new StepError(complianceVerdict);
    io.warning(`${complianceVerdict} (mode: warn, so the step passes)`);
    return;
  }
  if (feedMissing) {
    throw new StepError(
      result.missingFeeds.map((f) => missingFeedMessage(f.input, f.feed, server, f.known)).join(' '),
    );
  }
  const bad = [
    ...result.missing.map((c) => describePackage(c.package)),
    ...unpinned.map((d) => d.dependency),
  ];
  const notFound =
    result.notFound.length > 0
      ? ` (${result.notFound.length} not found in ${inputs.fromFeed ?? inputs.toFeed})`
      : '';
  const waited =
    result.polls > 1
      ? `; waited ${formatWait(result.waitedMs)} (wait-timeout) over ${result.polls} checks`
      : '';
  const verdict = `${bad.length} of ${total} package versions ${bad.length === 1 ? 'is' : 'are'} not promoted to ${inputs.toFeed}${notFound}${
    unpinned.length > 0 ? ' or cannot be checked' : ''
  }: ${bad.slice(0, 10).join(', ')}${bad.length > 10 ? `, and ${bad.length - 10} more` : ''}${waited}`;
  const both = complianceVerdict === undefined ? verdict : `${verdict}. ${complianceVerdict}`;
  if (inputs.mode === 'fail') throw new StepError(both);
  io.warning(`${both} (mode: warn, so the step passes)`);
}

function formatWait(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
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
