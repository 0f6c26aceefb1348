// The publish sub-action: inputs → publish() → outputs, job summary, optional artifact.

import { describePackage } from '@proget-ci/core';
import type { StepEnvironment } from '../shared/environment.js';
import { withFailureSummary } from '../shared/failure-summary.js';
import { cell, code, formatBytes, link, table } from '../shared/markdown.js';
import { type ArtifactUploader, artifactName } from './artifact.js';
import { readPublishInputs } from './inputs.js';
import { provenance } from './manifest.js';
import { type PublishResult, publish, type UploadReport } from './publish.js';

export async function publishStep(env: StepEnvironment, artifacts: ArtifactUploader): Promise<void> {
  await withFailureSummary(env.io, 'ProGet publish: failed', () => runPublish(env, artifacts));
}

async function runPublish(env: StepEnvironment, artifacts: ArtifactUploader): Promise<void> {
  const { io, context } = env;
  const inputs = readPublishInputs(io, context);
  for (const notice of inputs.notices) io.annotate('notice', notice);
  const client = env.createClient(inputs.connection);
  const result = await publish(client, {
    feed: inputs.feed,
    path: inputs.path,
    manifestPath: inputs.manifestPath,
    overrides: inputs.overrides,
    provenance: provenance(context, env.now()),
    include: inputs.include,
    exclude: inputs.exclude,
    ifExists: inputs.ifExists,
    dryRun: inputs.dryRun,
    verify: inputs.verify,
    assetDirectory: inputs.assetDirectory,
    multipartThreshold: inputs.multipartThreshold,
    tempDir: context.tempDir,
    logger: io,
  });

  let artifactId = '';
  if (inputs.uploadArtifact && result.file !== undefined) {
    const name = artifactName(result.id.group, result.id.name, result.id.version);
    try {
      const attached = await artifacts.upload(name, result.file);
      if ('id' in attached) {
        artifactId = String(attached.id);
        io.info(`Attached ${name} to the run as artifact ${artifactId}.`);
      } else {
        io.warning(`upload-artifact: not attached: ${attached.skipped}`);
      }
    } catch (e) {
      // The package is already published; a missing artifact must not turn that into a failure.
      io.warning(`upload-artifact: not attached: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  const outputs: Record<string, string> = {
    'package-name': result.id.name,
    group: result.id.group ?? '',
    version: result.id.version,
    feed: result.feed,
    sha1: result.sha1 ?? '',
    sha256: result.sha256 ?? '',
    size: result.size === undefined ? '' : String(result.size),
    'package-url': result.packageUrl,
    'download-url': result.downloadUrl,
    skipped: String(result.outcome !== 'published' && result.outcome !== 'overwritten'),
    'artifact-id': artifactId,
    'upload-method': result.upload?.method ?? '',
  };
  for (const [name, value] of Object.entries(outputs)) io.setOutput(name, value);
  if (result.outcome === 'skipped-rerun') {
    io.annotate(
      'notice',
      `${describePackage(result.id)} is already in ${result.feed}, published from this commit with the same content; nothing was uploaded (a re-run is safe).`,
      'Already published',
    );
  }
  await io.appendSummary(publishSummary(result, artifactId));
}

const HEADLINES: Record<PublishResult['outcome'], string> = {
  published: 'Published',
  overwritten: 'Published (replaced the existing version)',
  'skipped-exists': 'Skipped: the version already exists',
  'skipped-rerun': 'Skipped: already published from this commit with the same content',
  'dry-run': 'Dry run: built, not uploaded',
};

const VERIFIED: Record<NonNullable<PublishResult['verifiedBy']>, string> = {
  'packages-api': 'SHA-1 reported by ProGet matches',
  download: 'downloaded again; SHA-1 matches',
  'import-check': 'SHA-1 and size reported by ProGet after the import match',
};

function uploadCell(upload: UploadReport): string {
  if (upload.method === 'put') return `PUT (${cell(upload.reason)})`;
  const parts = upload.parts ?? 0;
  const again = (upload.partRequests ?? parts) - parts;
  return `multipart: ${parts} part${parts === 1 ? '' : 's'}${again > 0 ? `, ${again} sent again` : ''}, through asset directory ${code(upload.assetDirectory)}, then imported`;
}

export function publishSummary(result: PublishResult, artifactId: string): string {
  const rows: [string, string][] = [
    ['Package', code(result.id.group ? `${result.id.group}/${result.id.name}` : result.id.name)],
    ['Version', code(result.id.version)],
    ['Feed', code(result.feed)],
    ['Size', formatBytes(result.size)],
    ['SHA-1', code(result.sha1)],
    ['SHA-256', code(result.sha256)],
  ];
  if (result.fileCount !== undefined) rows.push(['Files', String(result.fileCount)]);
  if (result.upload) rows.push(['Upload', uploadCell(result.upload)]);
  if (result.verifiedBy) rows.push(['Verified', VERIFIED[result.verifiedBy]]);
  if (result.outcome !== 'dry-run') {
    rows.push([
      'Links',
      `${link('ProGet page', result.packageUrl)} · ${link('download', result.downloadUrl)}`,
    ]);
  }
  if (artifactId) rows.push(['Artifact', `#${artifactId}`]);
  return [
    `### ProGet publish: ${HEADLINES[result.outcome]}`,
    '',
    `**${describePackage(result.id)}** → \`${result.feed}\``,
    '',
    table(['Property', 'Value'], rows),
    '',
    '',
  ].join('\n');
}
