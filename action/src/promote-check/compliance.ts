// promote-check `compliance: true`: each checked version's compliance verdict and vulnerabilities from the
// Packages metadata API (sca-api-notes §5), fetched with bounded concurrency. A server without that API
// (ProGet Free answers without a report; older servers 404) gives one reason and no verdicts.

import {
  type ComplianceVerdict,
  describePackage,
  isProGetError,
  type PackageVersionId,
  type PackageVulnerability,
  type ProGetClientApi,
} from '@proget-ci/core';
import { mapLimit } from '../shared/concurrency.js';
import type { StepLogger } from '../shared/io.js';
import type { PackageCheck } from './check.js';

/** Bounded well below the promotions check: Basic counts nothing here, but a big list is still many calls. */
export const COMPLIANCE_CONCURRENCY = 8;

export interface PackageComplianceState {
  /** `unknown`: the server has no metadata for this version in the feed (404). */
  verdict: ComplianceVerdict | 'unknown';
  /** The feed whose metadata was read. */
  feed: string;
  vulnerabilities: PackageVulnerability[];
  licenses: string[];
  /** Why the server gave that verdict (its compliance report's issues). */
  reasons: string[];
}

export type ComplianceOutcome =
  | { available: true; byPackage: Map<PackageVersionId, PackageComplianceState> }
  | { available: false; reason: string };

/** Verdicts that fail (or warn, per `mode`) the check. */
export function isFailingVerdict(verdict: PackageComplianceState['verdict']): boolean {
  return verdict === 'noncompliant' || verdict === 'blocked';
}

export interface ComplianceOptions {
  fromFeed?: string;
  toFeed: string;
  concurrency?: number;
  signal?: AbortSignal;
  logger: StepLogger;
}

const EDITION_REASON =
  'the server runs ProGet Free, which has no compliance data (ProGet Basic or Enterprise has)';

export async function checkCompliance(
  client: ProGetClientApi,
  checks: PackageCheck[],
  options: ComplianceOptions,
): Promise<ComplianceOutcome> {
  const before = unavailableBefore(client);
  if (before) return { available: false, reason: before };
  // A version that does not exist has no compliance to show.
  const wanted = checks.filter((c) => c.status !== 'not-found');
  let states: (PackageComplianceState | undefined)[];
  try {
    states = await mapLimit(wanted, options.concurrency ?? COMPLIANCE_CONCURRENCY, (check) =>
      readCompliance(client, check, options),
    );
  } catch (e) {
    if (isProGetError(e, 'edition-required')) return { available: false, reason: EDITION_REASON };
    throw e;
  }
  // Free answers metadata, only without a compliance report: every verdict would be a false "inconclusive".
  if (client.server.edition === 'Free') return { available: false, reason: EDITION_REASON };
  if (wanted.length > 0 && states.every((s) => s?.verdict === 'unknown')) {
    return {
      available: false,
      reason:
        'the server answered 404 for the metadata of every package: it has no Packages metadata API (ProGet 2023 or later has it), or the packages are not in its feeds',
    };
  }
  const byPackage = new Map<PackageVersionId, PackageComplianceState>();
  wanted.forEach((check, i) => {
    const state = states[i];
    if (state) byPackage.set(check.package, state);
  });
  return { available: true, byPackage };
}

/** What the first response's headers already tell (no request is made for it). */
function unavailableBefore(client: ProGetClientApi): string | undefined {
  const server = client.server;
  if (server.edition === 'Free') return EDITION_REASON;
  const year = server.version?.year;
  if (server.version && year === undefined) {
    return `the server runs ProGet ${server.version.text}, which has no Packages metadata API (ProGet 2023 or later has it)`;
  }
  return undefined;
}

async function readCompliance(
  client: ProGetClientApi,
  check: PackageCheck,
  options: ComplianceOptions,
): Promise<PackageComplianceState> {
  // Where the version is: the target once promoted, else where it comes from.
  const feed = check.status === 'promoted' ? options.toFeed : (options.fromFeed ?? options.toFeed);
  const pkg = check.package;
  const selector = pkg.group
    ? { name: pkg.name, version: pkg.version, group: pkg.group }
    : { name: pkg.name, version: pkg.version };
  const metadata = await client.sca.packages.metadata(feed, selector, { signal: options.signal });
  if (metadata === undefined) {
    options.logger.debug(`no metadata for ${describePackage(pkg)} in ${feed} (404)`);
    return { verdict: 'unknown', feed, vulnerabilities: [], licenses: [], reasons: [] };
  }
  return {
    verdict: metadata.verdict,
    feed,
    vulnerabilities: metadata.vulnerabilities,
    licenses: metadata.licenses.map((l) => l.code),
    reasons: metadata.compliance?.issues ?? [],
  };
}

/** `PGV-2123337 (critical)`, the worst first. */
export function describeVulnerabilities(vulnerabilities: PackageVulnerability[]): string {
  const rank = { critical: 0, high: 1, medium: 2, low: 3 } as const;
  return [...vulnerabilities]
    .sort((a, b) => (a.severity ? rank[a.severity] : 4) - (b.severity ? rank[b.severity] : 4))
    .map((v) => (v.severity ? `${v.id} (${v.severity})` : v.id))
    .join(', ');
}
