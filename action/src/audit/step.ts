// The audit sub-action: SBOM (files or lockfiles) → ProGet import → build audit → outputs, job summary,
// annotations, optional SARIF, and a verdict per `fail-on`.

import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { PROGET_CI_VERSION } from '@proget-ci/core';
import type { StepEnvironment } from '../shared/environment.js';
import { StepError } from '../shared/errors.js';
import { withFailureSummary } from '../shared/failure-summary.js';
import { prepareSbom, runAudit } from './audit.js';
import { readAuditInputs } from './inputs.js';
import { annotations, fails, resultsJson, sarif, summaryMarkdown } from './report.js';

export async function auditStep(env: StepEnvironment): Promise<void> {
  // Set before anything can fail, so a failed step says so rather than nothing.
  env.io.setOutput('status', 'inconclusive');
  let verdict: StepError | undefined;
  await withFailureSummary(env.io, 'ProGet audit not done', async () => {
    verdict = await audit(env);
  });
  // Outside the failure summary: the audit was done, and its summary says why the step fails.
  if (verdict) throw verdict;
}

/** Returns the error that fails the step per `fail-on`, if any. */
async function audit(env: StepEnvironment): Promise<StepError | undefined> {
  const { io, context } = env;
  const inputs = readAuditInputs(io, context);
  // The SBOM first: a bad file or lockfile is refused before any connection is made.
  const prepared = await prepareSbom(inputs, context.workspace, io);
  const client = env.createClient(inputs.connection);
  for (const w of prepared.warnings) {
    io.annotate('warning', `${w.file}: ${w.message}`, 'SBOM', { file: w.file });
  }
  const result = await runAudit(client, inputs, prepared, context.tempDir, io);

  io.setOutput('status', result.status);
  io.setOutput('issue-count', String(result.issueCount));
  io.setOutput('unresolved-count', String(result.unresolvedCount));
  io.setOutput('build-url', result.buildUrl ?? '');
  io.setOutput('results', resultsJson(result));
  for (const a of annotations(result, inputs.failOn)) io.annotate(a.level, a.message, a.title, a.place);
  if (inputs.sarif !== undefined) {
    const path = isAbsolute(inputs.sarif) ? inputs.sarif : resolve(context.workspace, inputs.sarif);
    await writeAtomically(path, sarif(result, PROGET_CI_VERSION));
    io.info(`Wrote SARIF to ${inputs.sarif}`);
  }
  await io.appendSummary(summaryMarkdown(result, inputs.failOn));
  io.info(
    `ProGet says ${result.status} for ${result.project} ${result.version}: ${result.issueCount} issue(s), ${result.unresolvedCount} unresolved${result.buildUrl ? ` (${result.buildUrl})` : ''}`,
  );
  if (fails(result, inputs.failOn)) {
    return new StepError(
      `ProGet finds build ${result.version} of ${result.project} ${result.status}${inputs.failOn === 'warn' && result.status !== 'noncompliant' ? ' (fail-on: warn)' : ''}: ${result.unresolvedCount} unresolved issue(s); the job summary lists the packages${result.buildUrl ? `, and ${result.buildUrl} shows them in ProGet` : ''}.`,
    );
  }
  return undefined;
}

/** Written beside its destination and renamed, so code scanning never uploads half a file. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const temp = `${path}.${process.pid}-${randomUUID().slice(0, 8)}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(temp, text, { encoding: 'utf8', flag: 'wx' });
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    throw new StepError(`"sarif": could not write ${path}: ${(e as Error).message}`);
  }
}
