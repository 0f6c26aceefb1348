// Attaching the built .upack to the workflow run (`upload-artifact`). Needs the runner's artifact service;
// where it is missing (outside Actions, some GHES set-ups) the step warns and carries on.

import { basename, dirname } from 'node:path';
import type { Env } from '../shared/context.js';

export interface ArtifactUploader {
  /** Resolves to the artifact id, or a reason it was not attached. */
  upload(name: string, file: string): Promise<{ id: number } | { skipped: string }>;
}

export function artifactServiceAvailable(env: Env): boolean {
  return Boolean(env.ACTIONS_RUNTIME_TOKEN && env.ACTIONS_RESULTS_URL);
}

/** Artifact names may not hold `/ \ : * ? " < > |` or line breaks. */
export function artifactName(group: string | undefined, name: string, version: string): string {
  return `upack-${group ? `${group}-` : ''}${name}-${version}`.replace(/[/\\:*?"<>|\r\n]/g, '-');
}

export function githubArtifacts(env: Env): ArtifactUploader {
  return {
    async upload(name, file) {
      if (!artifactServiceAvailable(env)) {
        return {
          skipped:
            'the artifact service is not available (ACTIONS_RUNTIME_TOKEN or ACTIONS_RESULTS_URL is not set)',
        };
      }
      const { uploadArtifactFile } = await import('./artifact-upload.js');
      const id = await uploadArtifactFile(name, file, dirname(file));
      return id === undefined
        ? { skipped: `the artifact service returned no id for ${basename(file)}` }
        : { id };
    },
  };
}
