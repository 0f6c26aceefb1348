// deploy-record: tell ProGet a package version was deployed somewhere. The record is sent once.

import { type DeploymentRecord, describePackage, isProGetError, type ProGetClientApi } from '@proget-ci/core';
import type { StepLogger } from '../shared/io.js';

export interface DeployRecordOptions {
  record: DeploymentRecord;
  signal?: AbortSignal;
  logger: StepLogger;
}

export interface DeployRecordResult {
  recorded: true;
  /** false when the feed says deployment records are off; undefined when it could not be read. */
  feedRecordsDeployments?: boolean;
}

export async function recordDeployment(
  client: ProGetClientApi,
  options: DeployRecordOptions,
): Promise<DeployRecordResult> {
  const { record, logger, signal } = options;
  const enabled = await deploymentRecordsEnabled(client, record.feed, logger, signal);
  if (enabled === false) {
    logger.warning(
      `Feed ${record.feed} has deployment records turned off, so ProGet may not show this record; turn on "Deployment records" in the feed's settings.`,
    );
  }
  await client.deployments.record(record, { signal });
  logger.info(`Recorded: ${describePackage(record)} from ${record.feed} deployed to ${record.target}.`);
  return { recorded: true, feedRecordsDeployments: enabled };
}

/**
 * Reading the feed needs more than recording a deployment (and the management API is missing on old
 * servers): when it fails, say so in debug only; the record call reports real problems itself.
 */
async function deploymentRecordsEnabled(
  client: ProGetClientApi,
  feed: string,
  logger: StepLogger,
  signal: AbortSignal | undefined,
): Promise<boolean | undefined> {
  try {
    return (await client.feeds.get(feed, { signal })).deploymentRecordsEnabled;
  } catch (e) {
    if (isProGetError(e)) {
      logger.debug(
        `could not read feed ${feed} to see whether it records deployments (${e.kind}); not checked`,
      );
      return undefined;
    }
    throw e;
  }
}
