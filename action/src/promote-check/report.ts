// What promote-check tells people: annotation texts, the job summary table and the JSON outputs.

import { describePackage, type PackageVersionId, versionPageUrl } from '@proget-ci/core';
import { missingFeedMessage } from '../shared/feed-check.js';
import { cell, code, link, table } from '../shared/markdown.js';
import type { PackageCheck, PromoteCheckResult } from './check.js';
import {
  type ComplianceOutcome,
  describeVulnerabilities,
  isFailingVerdict,
  type PackageComplianceState,
} from './compliance.js';
import type { UncheckableDependency } from './dependencies.js';
import type { PromoteCheckInputs } from './inputs.js';

export function idJson(id: PackageVersionId) {
  return id.group
    ? { group: id.group, name: id.name, version: id.version }
    : { name: id.name, version: id.version };
}

export function resultsJson(
  result: PromoteCheckResult,
  unpinned: UncheckableDependency[],
  compliance?: ComplianceOutcome,
) {
  return [
    ...result.checks.map((c) => {
      const state = compliance?.available ? compliance.byPackage.get(c.package) : undefined;
      return {
        ...idJson(c.package),
        promoted: c.status === 'promoted',
        status: c.status,
        reason: c.reason,
        ...(c.inTarget === undefined ? {} : { inTarget: c.inTarget }),
        ...(c.promotion ? { promotion: c.promotion } : {}),
        ...(state ? { compliance: complianceJson(state) } : {}),
      };
    }),
    ...unpinned.map((d) => ({
      dependency: d.dependency,
      promoted: false,
      status: 'unpinned',
      reason: d.reason,
    })),
  ];
}

function complianceJson(state: PackageComplianceState) {
  return {
    verdict: state.verdict,
    feed: state.feed,
    vulnerabilities: state.vulnerabilities.map((v) => ({
      id: v.id,
      ...(v.severity ? { severity: v.severity } : {}),
      ...(v.score !== undefined ? { score: v.score } : {}),
      ...(v.summary ? { summary: v.summary } : {}),
    })),
    licenses: state.licenses,
    reasons: state.reasons,
  };
}

/** The checked versions whose compliance verdict fails the check (noncompliant, or downloads blocked). */
export function noncompliantOf(result: PromoteCheckResult, compliance?: ComplianceOutcome): PackageCheck[] {
  if (!compliance?.available) return [];
  return result.checks.filter((c) => {
    const state = compliance.byPackage.get(c.package);
    return state !== undefined && isFailingVerdict(state.verdict);
  });
}

/** One annotation per noncompliant or blocked version: why, and where to look. */
export function complianceProblems(
  server: string,
  result: PromoteCheckResult,
  compliance?: ComplianceOutcome,
): { title: string; message: string }[] {
  if (!compliance?.available) return [];
  return noncompliantOf(result, compliance).map((c) => {
    const state = compliance.byPackage.get(c.package)!;
    const what = describePackage(c.package);
    const blocked = state.verdict === 'blocked';
    const why = [
      ...state.reasons,
      ...(state.vulnerabilities.length > 0
        ? [`vulnerabilities: ${describeVulnerabilities(state.vulnerabilities)}`]
        : []),
      ...(state.licenses.length > 0 ? [`license: ${state.licenses.join(', ')}`] : []),
    ];
    return {
      title: `${blocked ? 'Blocked' : 'Noncompliant'}: ${what}`,
      message: `${what} in ${state.feed} is ${blocked ? 'blocked from download' : 'noncompliant'}${why.length > 0 ? ` (${why.join('; ')})` : ''}; see ${versionPageUrl(server, state.feed, c.package)}, or assess its vulnerabilities in ProGet.`,
    };
  });
}

const VERDICT_TEXT: Record<string, string> = {
  compliant: '✅ compliant',
  warn: '⚠️ warn',
  noncompliant: '❌ noncompliant',
  inconclusive: '❔ inconclusive',
  blocked: '⛔ blocked',
  unknown: '– no data',
};

/** `missing`: everything not promoted, unpinned dependencies included, so it is never `[]` on a failure. */
export function missingJson(result: PromoteCheckResult, unpinned: UncheckableDependency[]) {
  return [
    ...result.missing.map((c) => idJson(c.package)),
    ...unpinned.map((d) => ({ dependency: d.dependency })),
  ];
}

/** The annotations: one per feed that does not exist, else one per package that is not promoted. */
export function problemsOf(
  server: string,
  inputs: PromoteCheckInputs,
  result: PromoteCheckResult,
  unpinned: UncheckableDependency[],
): { title: string; message: string }[] {
  if (result.missingFeeds.length > 0) {
    return result.missingFeeds.map((f) => ({
      title: `Feed not found: ${f.feed}`,
      message: missingFeedMessage(f.input, f.feed, server, f.known),
    }));
  }
  return [
    ...result.missing.map((check) => ({
      title: `${check.status === 'not-found' ? 'Not found' : 'Not promoted'}: ${describePackage(check.package)}`,
      message: howToPromote(server, inputs, check),
    })),
    ...unpinned.map((dep) => ({
      title: `Cannot check: ${dep.dependency}`,
      message: `Dependency ${dep.dependency} ${dep.reason}, so its promotion cannot be checked; pin it as group:name:version.`,
    })),
  ];
}

/** What a person should do about one missing package: where to click, or what to run. */
export function howToPromote(server: string, inputs: PromoteCheckInputs, check: PackageCheck): string {
  const pkg = check.package;
  if (check.status === 'not-found') {
    // Nothing to promote: a command here could never succeed.
    return `${describePackage(pkg)} does not exist in ${inputs.fromFeed ?? inputs.toFeed}, so it cannot be promoted; check the name and version (${versionPageUrl(server, inputs.fromFeed ?? inputs.toFeed, { ...pkg, version: pkg.version })}), or publish it there first.`;
  }
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
  'not-found': '❓ not found',
};

export function promoteCheckSummary(
  server: string,
  inputs: PromoteCheckInputs,
  result: PromoteCheckResult,
  unpinned: UncheckableDependency[],
  compliance?: ComplianceOutcome,
): string {
  const columns = compliance?.available === true;
  const total = result.checks.length + unpinned.length;
  const good = result.checks.length - result.missing.length;
  const notFound = result.notFound.length;
  const rows = result.checks.map((c) => {
    const p = c.promotion;
    const page = versionPageUrl(
      server,
      c.status === 'promoted' ? inputs.toFeed : (inputs.fromFeed ?? inputs.toFeed),
      c.package,
    );
    const state = compliance?.available ? compliance.byPackage.get(c.package) : undefined;
    return [
      code(c.package.group ? `${c.package.group}/${c.package.name}` : c.package.name),
      code(c.package.version),
      STATUS_TEXT[c.status] ?? c.status,
      ...(columns
        ? [
            state ? (VERDICT_TEXT[state.verdict] ?? state.verdict) : '',
            cell(state ? describeVulnerabilities(state.vulnerabilities) : undefined),
          ]
        : []),
      cell(p?.date),
      cell(p?.user),
      p ? `${code(p.fromFeed)} → ${code(p.toFeed)}` : '',
      cell(p?.comments),
      link('open', page),
    ];
  });
  for (const d of unpinned)
    rows.push([
      code(d.dependency),
      '',
      `⚠️ cannot check: ${cell(d.reason)}`,
      ...(columns ? ['', ''] : []),
      '',
      '',
      '',
      '',
      '',
    ]);
  const heading =
    good === total
      ? `### ProGet promotion check: all ${total} promoted to \`${inputs.toFeed}\``
      : `### ProGet promotion check: ${total - good} of ${total} not promoted to \`${inputs.toFeed}\`${notFound > 0 ? ` (${notFound} not found)` : ''}`;
  const feeds = result.missingFeeds.map(
    (f) => `- ❓ ${cell(missingFeedMessage(f.input, f.feed, server, f.known))}`,
  );
  const bad = noncompliantOf(result, compliance).length;
  const complianceLines = !compliance
    ? []
    : compliance.available
      ? [
          bad > 0
            ? `- ❌ ${bad} of ${result.checks.length} package versions noncompliant or blocked`
            : `- ✅ no package version noncompliant or blocked`,
          '',
        ]
      : [`- ⚠️ Compliance not checked: ${cell(compliance.reason)}`, ''];
  return [
    heading,
    '',
    ...(feeds.length > 0 ? [...feeds, ''] : []),
    ...complianceLines,
    table(
      [
        'Package',
        'Version',
        'Status',
        ...(columns ? ['Compliance', 'Vulnerabilities'] : []),
        'When',
        'By',
        'From → to',
        'Comments',
        'Link',
      ],
      rows,
    ),
    '',
    '',
  ].join('\n');
}
