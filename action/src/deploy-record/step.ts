// The deploy-record sub-action: inputs → recordDeployment() → output and one summary line.

import { describePackage, versionPageUrl } from '@proget-ci/core';
import type { StepEnvironment } from '../shared/environment.js';
import { cell, code, link } from '../shared/markdown.js';
import { readDeployRecordInputs } from './inputs.js';
import { recordDeployment } from './record.js';

export async function deployRecordStep(env: StepEnvironment): Promise<void> {
  const { io, context } = env;
  const inputs = readDeployRecordInputs(io, context, env.now());
  const client = env.createClient(inputs.connection);
  const { connection: _, ...record } = inputs;
  await recordDeployment(client, { record, logger: io });
  io.setOutput('recorded', 'true');
  const id = { group: inputs.group, name: inputs.name, version: inputs.version };
  await io.appendSummary(
    `### ProGet deployment recorded\n\n${link(describePackage(id), versionPageUrl(client.baseUrl, inputs.feed, id))} from ${code(inputs.feed)} deployed to **${cell(inputs.target)}** by ${cell(inputs.user ?? 'the API key')} at ${cell(inputs.date)}${inputs.url ? ` (${link('details', inputs.url)})` : ''}\n\n`,
  );
}
