// What promote-check tells people: annotation texts, the job summary table and the JSON outputs.

import { describePackage, type PackageVersionId, versionPageUrl } from '@proget-ci/core';
import { missingFeedMessage } from '../shared/feed-check.js';
import { cell, code, link, table } from '../shared/markdown.js';
import type { PackageCheck, PromoteCheckResult } from './check.js';
import type { UncheckableDependency } from './dependencies.js';
import type { PromoteCheckInputs } from './inputs.js';

export function idJson(id: PackageVersionId) {
  return id.group
    ? { group: id.group, name: id.name, version: id.version }
    : { name: id.name, version: id.version };
}

export function resultsJson(result: PromoteCheckResult, unpinned: UncheckableDependency[]) {
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
): string {
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
      : `### ProGet promotion check: ${total - good} of ${total} not promoted to \`${inputs.toFeed}\`${notFound > 0 ? ` (${notFound} not found)` : ''}`;
  const feeds = result.missingFeeds.map(
    (f) => `- ❓ ${cell(missingFeedMessage(f.input, f.feed, server, f.known))}`,
  );
  return [
    heading,
    '',
    ...(feeds.length > 0 ? [...feeds, ''] : []),
    table(['Package', 'Version', 'Status', 'When', 'By', 'From → to', 'Comments', 'Link'], rows),
    '',
    '',
  ].join('\n');
}
