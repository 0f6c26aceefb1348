// The deploy-record sub-action: inputs → recordDeployment() → output and one summary line.

import { describePackage, isProGetError, type ProGetClientApi, versionPageUrl } from '@proget-ci/core';
import type { StepEnvironment } from '../shared/environment.js';
import { StepError } from '../shared/errors.js';
import { withFailureSummary } from '../shared/failure-summary.js';
import { inInputTerms } from '../shared/input-words.js';
import type { ActionIo } from '../shared/io.js';
import { cell, code, link } from '../shared/markdown.js';
import { readDeployRecordInputs, type ScaPromotion } from './inputs.js';
import { recordDeployment } from './record.js';

export async function deployRecordStep(env: StepEnvironment): Promise<void> {
  // Set before anything can fail, so a failed step says false rather than nothing.
  env.io.setOutput('recorded', 'false');
  const progress = { recorded: false };
  await withFailureSummary(
    env.io,
    () =>
      progress.recorded
        ? 'ProGet deployment recorded, SCA build not promoted'
        : 'ProGet deployment not recorded',
    () => record(env, progress),
  );
}

async function record(env: StepEnvironment, progress: { recorded: boolean }): Promise<void> {
  const { io, context } = env;
  const inputs = readDeployRecordInputs(io, context, env.now());
  const client = env.createClient(inputs.connection);
  const { connection: _, allowMissingPackage, sca, ...record } = inputs;
  if (sca) io.setOutput('sca-promoted', 'false');
  await recordDeployment(client, { record, allowMissingPackage, logger: io });
  progress.recorded = true;
  io.setOutput('recorded', 'true');
  const id = { group: inputs.group, name: inputs.name, version: inputs.version };
  await io.appendSummary(
    `### ProGet deployment recorded\n\n${link(describePackage(id), versionPageUrl(client.baseUrl, inputs.feed, id))} from ${code(inputs.feed)} deployed to **${cell(inputs.target)}** by ${cell(inputs.user ?? 'the API key')} at ${cell(inputs.date)}${inputs.url ? ` (${link('details', inputs.url)})` : ''}\n\n`,
  );
  if (sca) await promoteScaBuild(io, client, sca, `${describePackage(id)} to ${inputs.target}`);
}

/** After the record is stored: its failure says both that the record stands and what went wrong. */
async function promoteScaBuild(
  io: ActionIo,
  client: ProGetClientApi,
  sca: ScaPromotion,
  deployment: string,
): Promise<void> {
  const build = `SCA build ${sca.version} of project ${sca.project}`;
  try {
    await client.sca.builds.promote(sca.project, sca.version, sca.stage);
  } catch (e) {
    if (!isProGetError(e)) throw e;
    throw new StepError(
      `The deployment of ${deployment} is recorded, but ${build} was not promoted to stage ${sca.stage}: ${inInputTerms(e.message)}`,
    );
  }
  io.setOutput('sca-promoted', 'true');
  io.info(`Promoted ${build} to stage ${sca.stage}.`);
  await io.appendSummary(
    `${code(sca.project)} build ${code(sca.version)} promoted to SCA stage **${cell(sca.stage)}**\n\n`,
  );
}
