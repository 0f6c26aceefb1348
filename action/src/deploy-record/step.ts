// The deploy-record sub-action: inputs → recordDeployment() → output and one summary line.

import { describePackage, versionPageUrl } from '@proget-ci/core';
import type { StepEnvironment } from '../shared/environment.js';
import { withFailureSummary } from '../shared/failure-summary.js';
import { cell, code, link } from '../shared/markdown.js';
import { readDeployRecordInputs } from './inputs.js';
import { recordDeployment } from './record.js';

export async function deployRecordStep(env: StepEnvironment): Promise<void> {
  // Set before anything can fail, so a failed step says false rather than nothing.
  env.io.setOutput('recorded', 'false');
  await withFailureSummary(env.io, 'ProGet deployment not recorded', () => record(env));
}

async function record(env: StepEnvironment): Promise<void> {
  const { io, context } = env;
  const inputs = readDeployRecordInputs(io, context, env.now());
  const client = env.createClient(inputs.connection);
  const { connection: _, allowMissingPackage, ...record } = inputs;
  await recordDeployment(client, { record, allowMissingPackage, logger: io });
  io.setOutput('recorded', 'true');
  const id = { group: inputs.group, name: inputs.name, version: inputs.version };
  await io.appendSummary(
    `### ProGet deployment recorded\n\n${link(describePackage(id), versionPageUrl(client.baseUrl, inputs.feed, id))} from ${code(inputs.feed)} deployed to **${cell(inputs.target)}** by ${cell(inputs.user ?? 'the API key')} at ${cell(inputs.date)}${inputs.url ? ` (${link('details', inputs.url)})` : ''}\n\n`,
  );
}
