// deploy-record: tell ProGet a package version was deployed somewhere. The record is sent once (again only
// after a refusal that names its wait: core resends it after a 429/503 with Retry-After).

import { type DeploymentRecord, describePackage, isProGetError, type ProGetClientApi } from '@proget-ci/core';
import { StepError } from '../shared/errors.js';
import { feedState, missingFeedMessage } from '../shared/feed-check.js';
import type { StepLogger } from '../shared/io.js';

export interface DeployRecordOptions {
  record: DeploymentRecord;
  /** Record a version the feed does not have, with a warning, instead of refusing. */
  allowMissingPackage?: boolean;
  signal?: AbortSignal;
  logger: StepLogger;
}

export interface DeployRecordResult {
  recorded: true;
  /** false when the feed says deployment records are off; undefined when it could not be read. */
  feedRecordsDeployments?: boolean;
  /** false when the version is not in the feed (recorded anyway: allow-missing-package). */
  packageFound?: boolean;
}

export async function recordDeployment(
  client: ProGetClientApi,
  options: DeployRecordOptions,
): Promise<DeployRecordResult> {
  const { record, logger, signal } = options;
  const what = describePackage(record);
  // Reading the feed needs more than recording a deployment (and the management API is missing on old
  // servers): when it cannot be read, the record call reports real problems itself.
  const found = await feedState(client, record.feed, logger, signal);
  if (found.state === 'missing') {
    throw new StepError(missingFeedMessage('feed', record.feed, client.baseUrl, found.known));
  }
  const enabled = found.state === 'exists' ? found.feed?.deploymentRecordsEnabled : undefined;
  if (enabled === false) {
    logger.warning(
      `Feed ${record.feed} has deployment records turned off, so ProGet may not show this record; turn on "Deployment records" in the feed's settings.`,
    );
  }

  const packageFound = await versionExists(client, record, logger, signal);
  if (packageFound === false) {
    const problem = `${what} does not exist in ${record.feed}`;
    if (!options.allowMissingPackage) {
      throw new StepError(
        `${problem}, so its deployment is not recorded; check "package", "group" and "version", or set allow-missing-package: true to record a package that is not in the feed.`,
      );
    }
    logger.warning(`${problem}; recording the deployment anyway (allow-missing-package: true).`);
  }

  try {
    await client.deployments.record(record, { signal });
  } catch (e) {
    if (isProGetError(e) && (e.kind === 'network' || e.kind === 'timeout')) {
      // The body may have reached the server before the connection broke; a record is not idempotent.
      throw new StepError(
        `${e.summary}\nThe deployment of ${what} to ${record.target} may already be recorded; check before re-running (ProGet: the package's "Deployments" tab).`,
      );
    }
    throw e;
  }
  logger.info(`Recorded: ${what} from ${record.feed} deployed to ${record.target}.`);
  return { recorded: true, feedRecordsDeployments: enabled, packageFound };
}

/** undefined when the server could not say (e.g. the key may not view the feed). */
async function versionExists(
  client: ProGetClientApi,
  record: DeploymentRecord,
  logger: StepLogger,
  signal: AbortSignal | undefined,
): Promise<boolean | undefined> {
  const id = record.group
    ? { group: record.group, name: record.name, version: record.version }
    : { name: record.name, version: record.version };
  try {
    return (await client.universal.getVersion(record.feed, id, { signal })) !== undefined;
  } catch (e) {
    if (!isProGetError(e)) throw e;
    logger.debug(`could not look up ${describePackage(id)} in ${record.feed} (${e.kind}); not checked`);
    return undefined;
  }
}
